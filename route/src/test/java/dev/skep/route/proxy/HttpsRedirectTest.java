package dev.skep.route.proxy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HttpsRedirectTest {

    @Test
    void theLocationKeepsPathAndQueryAndDropsThePlainPort() {
        assertThat(HttpsRedirect.location("Shop.Example.com:8080", "/a?b=c", 8443))
                .isEqualTo("https://shop.example.com:8443/a?b=c");
    }

    @Test
    void port443IsLeftOut() {
        assertThat(HttpsRedirect.location("shop.example.com", "/", 443)).isEqualTo("https://shop.example.com/");
    }

    @Test
    void anAbsoluteFormTargetGivesItsPathAndQuery() {
        assertThat(HttpsRedirect.location("shop.test", "http://shop.test/x/y?z", 443)).isEqualTo("https://shop.test/x/y?z");
        assertThat(HttpsRedirect.location("shop.test", "http://shop.test?z", 443)).isEqualTo("https://shop.test/?z");
        assertThat(HttpsRedirect.location("shop.test", "http://shop.test", 443)).isEqualTo("https://shop.test/");
        assertThat(HttpsRedirect.location("shop.test", "*", 443)).isEqualTo("https://shop.test/");
    }

    @Test
    void aHostThatIsNoPlainNameGetsNoRedirect() {
        assertThat(HttpsRedirect.location("[::1]:8080", "/", 443)).isNull();
        assertThat(HttpsRedirect.location("evil.test\"><x", "/", 443)).isNull();
        assertThat(HttpsRedirect.location("", "/", 443)).isNull();
    }
}
