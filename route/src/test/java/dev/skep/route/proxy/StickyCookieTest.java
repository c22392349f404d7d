package dev.skep.route.proxy;

import dev.skep.route.Backend;
import dev.skep.route.StickyKeys;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StickyCookieTest {

    private static HttpHeaders cookies(String... values) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (String v : values) {
            h.add("cookie", v);
        }
        return h;
    }

    @Test
    void theRouterCookieIsTakenOutAndTheAppsCookiesStayInOrder() {
        HttpHeaders h = cookies("session=abc; skep_sticky=0123456789abcdef; theme=dark");
        assertThat(StickyCookie.take(h)).isEqualTo("0123456789abcdef");
        assertThat(h.getAll("cookie")).containsExactly("session=abc; theme=dark");
    }

    @Test
    void aCookieHeaderHoldingOnlyTheRouterCookieGoesAway() {
        HttpHeaders h = cookies("skep_sticky=0123456789abcdef");
        assertThat(StickyCookie.take(h)).isEqualTo("0123456789abcdef");
        assertThat(h.contains("cookie")).isFalse();
    }

    @Test
    void severalCookieHeadersAsHttp2SendsThemKeepTheOthersAndTheFirstValueWins() {
        HttpHeaders h = cookies("a=1", "skep_sticky=\"aaaa\"", "b=2;skep_sticky=bbbb", "c=3");
        assertThat(StickyCookie.take(h)).isEqualTo("aaaa");
        assertThat(h.getAll("cookie")).containsExactly("a=1", "b=2", "c=3");
    }

    @Test
    void withoutTheRouterCookieNothingChanges() {
        HttpHeaders h = cookies("xskep_sticky=1; skep_sticky_other=2");
        assertThat(StickyCookie.take(h)).isNull();
        assertThat(h.getAll("cookie")).containsExactly("xskep_sticky=1; skep_sticky_other=2");
        HttpHeaders none = new DefaultHttpHeaders();
        assertThat(StickyCookie.take(none)).isNull();
        assertThat(none.isEmpty()).isTrue();
    }

    @Test
    void theSetCookieIsASessionCookieHiddenFromScriptsSecureOnlyOverHttps() {
        assertThat(StickyCookie.setCookie("k", false)).isEqualTo("skep_sticky=k; Path=/; HttpOnly; SameSite=Lax");
        assertThat(StickyCookie.setCookie("k", true)).endsWith("; Secure").doesNotContainIgnoringCase("expires")
                .doesNotContainIgnoringCase("max-age");
        assertThat(new String(StickyCookie.headLines("k", false), StandardCharsets.US_ASCII))
                .isEqualTo("set-cookie: skep_sticky=k; Path=/; HttpOnly; SameSite=Lax\r\n"
                        + "cache-control: no-cache=\"set-cookie\"\r\n");
    }

    @Test
    void aKeyIsTheSameOnEveryRouterAndNamesNeitherInstanceNorAddress() {
        String id = "alice.shop.12.a1b2c3";
        String key = StickyKeys.key(id);
        assertThat(key).matches("[0-9a-f]{16}").isEqualTo(StickyKeys.key(id)).doesNotContain("alice")
                .doesNotContain("12");
        assertThat(StickyKeys.key("alice.shop.12.a1b2c4")).isNotEqualTo(key);
    }

    @Test
    void aKeyFindsItsServingInstanceAndNothingElse() {
        Backend one = new Backend("alice.shop.3.aaaaaa", "127.0.0.1", 20001);
        Backend two = new Backend("alice.shop.3.bbbbbb", "10.0.0.7", 20002);
        StickyKeys keys = StickyKeys.of(List.of(one, two));
        assertThat(keys.backend(StickyKeys.key(one.instance()))).isEqualTo(one);
        assertThat(keys.backend(StickyKeys.key(two.instance()))).isEqualTo(two);
        assertThat(keys.backend(StickyKeys.key("alice.shop.2.cccccc"))).isNull();
        assertThat(keys.backend("not-a-key")).isNull();
        assertThat(keys.backend(null)).isNull();
    }
}
