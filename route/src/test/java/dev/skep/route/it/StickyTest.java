package dev.skep.route.it;

import dev.skep.model.AppId;
import dev.skep.route.AppRoute;
import dev.skep.route.Backend;
import dev.skep.route.RouteTable;
import dev.skep.route.RouterConfig;
import dev.skep.route.StickyKeys;
import dev.skep.route.server.RouterServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Sticky sessions on a real router with three node backends: the cookie, its stripping, fail-over, websockets. */
class StickyTest extends RouterFixture {

    static final AppId CHAT = new AppId("carol", "chat");
    private static final Pattern HELLO = Pattern.compile("hello from (\\S+)");
    private static final Pattern COOKIE = Pattern.compile("skep_sticky=([0-9a-f]{16})");

    private NodeBackend a;
    private NodeBackend b;
    private NodeBackend c;

    @TempDir
    Path dir;

    @Override
    RouterConfig config() {
        return super.config().withHttps(0);
    }

    @BeforeEach
    void setUp() {
        a = backend("node-a");
        b = backend("node-b");
        c = backend("node-c");
        startRouter();
        route(of(a, b, c));
    }

    /** "chat.test" sticky, "shop.test" the same backends without. */
    private void route(List<Backend> serving) {
        router.update(RouteTable.of(Map.of(
                "chat.test", new AppRoute(CHAT, serving, List.of(), 0, false, true, StickyKeys.of(serving)),
                "localhost", new AppRoute(CHAT, serving, List.of(), 0, false, true, StickyKeys.of(serving)),
                "shop.test", new AppRoute(SHOP, serving, List.of(), 0, false, true, null))));
    }

    /** One request on a new connection, as a browser's requests may come. */
    private RawHttp.Response get(String host, String path, String cookie) {
        try (RawHttp http = new RawHttp(router.port())) {
            return http.request("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                    + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "\r\n");
        }
    }

    private static String servedBy(RawHttp.Response r) {
        Matcher m = HELLO.matcher(r.text());
        assertThat(m.find()).as(r.text()).isTrue();
        return m.group(1);
    }

    private static String cookieOf(RawHttp.Response r) {
        String set = r.header("set-cookie");
        assertThat(set).as("a sticky app's first answer sets the cookie").isNotNull();
        Matcher m = COOKIE.matcher(set);
        assertThat(m.find()).as(set).isTrue();
        return m.group(1);
    }

    @Test
    void aClientWithTheCookieStaysOnItsInstanceWhileOthersSpread() {
        RawHttp.Response first = get("chat.test", "/", null);
        assertThat(first.status()).isEqualTo(200);
        String key = cookieOf(first);
        String home = servedBy(first);
        assertThat(first.header("set-cookie")).isEqualTo("skep_sticky=" + key + "; Path=/; HttpOnly; SameSite=Lax");
        assertThat(first.header("cache-control")).isEqualTo("no-cache=\"set-cookie\"");
        assertThat(key).isEqualTo(StickyKeys.key(home)).doesNotContain(String.valueOf(a.port));

        for (int i = 0; i < 12; i++) {
            RawHttp.Response r = get("chat.test", "/", "skep_sticky=" + key);
            assertThat(servedBy(r)).isEqualTo(home);
            assertThat(r.header("set-cookie")).as("a valid cookie is not set again").isNull();
            assertThat(r.header("cache-control")).isNull();
        }
        Set<String> spread = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            RawHttp.Response r = get("chat.test", "/", null);
            spread.add(servedBy(r));
        }
        assertThat(spread).as("clients without the cookie are balanced").hasSize(3);
        Set<String> plain = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            RawHttp.Response r = get("shop.test", "/", "skep_sticky=" + key);
            assertThat(r.header("set-cookie")).as("an app without sticky sessions sets no cookie").isNull();
            plain.add(servedBy(r));
        }
        assertThat(plain).as("without sticky sessions the cookie means nothing").hasSize(3);
    }

    @Test
    void aSecondRouterSendsTheCookieToTheSameInstance() {
        String key = cookieOf(get("chat.test", "/", null));
        String home = servedBy(get("chat.test", "/", "skep_sticky=" + key));
        List<Backend> serving = of(a, b, c);
        try (RouterServer other = new RouterServer(config()).start()) {
            other.update(RouteTable.of(Map.of( // built on its own, from the same instances
                    "chat.test", new AppRoute(CHAT, serving, List.of(), 0, false, true, StickyKeys.of(serving)))));
            for (int i = 0; i < 6; i++) {
                try (RawHttp http = new RawHttp(other.port())) {
                    RawHttp.Response r = http.request("GET / HTTP/1.1\r\nHost: chat.test\r\nCookie: skep_sticky=" + key
                            + "\r\n\r\n");
                    assertThat(servedBy(r)).isEqualTo(home);
                    assertThat(r.header("set-cookie")).isNull();
                }
            }
        }
    }

    @Test
    void keepAliveRequestsFollowTheCookieToo() {
        String key = StickyKeys.key(b.name);
        try (RawHttp http = new RawHttp(router.port())) {
            for (int i = 0; i < 6; i++) {
                RawHttp.Response r = http.request("GET / HTTP/1.1\r\nHost: chat.test\r\nCookie: skep_sticky=" + key
                        + "\r\n\r\n");
                assertThat(servedBy(r)).isEqualTo("node-b");
            }
        }
    }

    @Test
    void theAppNeverSeesTheRouterCookieButGetsItsOwn() {
        String key = StickyKeys.key(c.name);
        RawHttp.Response r = get("chat.test", "/headers", "session=s1; skep_sticky=" + key + "; theme=dark");
        assertThat(r.text()).contains("\"name\":\"node-c\"").contains("\"cookie\":\"session=s1; theme=dark\"")
                .doesNotContain("skep_sticky");
        RawHttp.Response only = get("chat.test", "/headers", "skep_sticky=" + key);
        assertThat(only.text()).contains("\"name\":\"node-c\"").doesNotContain("\"cookie\"");
    }

    @Test
    void whenItsInstanceLeavesTheClientGoesToAnotherAndGetsANewCookie() {
        String key = StickyKeys.key(a.name);
        assertThat(servedBy(get("chat.test", "/", "skep_sticky=" + key))).isEqualTo("node-a");

        route(of(b, c)); // node-a no longer ready (stopping, unhealthy, of an old release)
        RawHttp.Response moved = get("chat.test", "/", "skep_sticky=" + key);
        String now = servedBy(moved);
        assertThat(now).isIn("node-b", "node-c");
        assertThat(cookieOf(moved)).isEqualTo(StickyKeys.key(now));
        for (int i = 0; i < 5; i++) {
            assertThat(servedBy(get("chat.test", "/", "skep_sticky=" + cookieOf(moved)))).isEqualTo(now);
        }
    }

    @Test
    void whenItsInstanceDiesBeforeTheTableKnowsTheRequestStillLandsElsewhere() {
        route(of(a, b, c));
        String key = StickyKeys.key(b.name);
        b.kill(); // still in the table: the connection is refused, the router tries another
        RawHttp.Response r = get("chat.test", "/", "skep_sticky=" + key);
        assertThat(r.status()).isEqualTo(200);
        String now = servedBy(r);
        assertThat(now).isIn("node-a", "node-c");
        assertThat(cookieOf(r)).isEqualTo(StickyKeys.key(now));
    }

    private void defaultCertificate() throws Exception {
        Path key = dir.resolve("default.key");
        Path cert = dir.resolve("default.crt");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        router.setDefaultCertificate(Files.readString(cert), Files.readString(key));
    }

    @Test
    void overHttpsTheCookieIsSecure() throws Exception {
        defaultCertificate();
        try (RawHttp https = new RawHttp(connectTls("chat.test", "http/1.1"))) {
            RawHttp.Response r = https.get("chat.test", "/");
            assertThat(r.header("set-cookie")).isEqualTo("skep_sticky=" + StickyKeys.key(servedBy(r))
                    + "; Path=/; HttpOnly; SameSite=Lax; Secure");
        }
        assertThat(get("chat.test", "/", null).header("set-cookie")).doesNotContain("Secure");
    }

    @Test
    void http2ClientsAreStickyToo() throws Exception {
        defaultCertificate();
        HttpClient h2 = HttpClient.newBuilder().sslContext(trustAll()).version(HttpClient.Version.HTTP_2).build();
        URI headers = URI.create("https://localhost:" + router.httpsPort() + "/headers");
        HttpResponse<String> first = h2.send(HttpRequest.newBuilder(headers).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
        String set = first.headers().firstValue("set-cookie").orElseThrow();
        assertThat(set).endsWith("; Secure");
        assertThat(first.headers().allValues("cache-control")).contains("no-cache=\"set-cookie\"");
        Matcher m = COOKIE.matcher(set);
        assertThat(m.find()).isTrue();
        String home = StickyKeys.key("node-a").equals(m.group(1)) ? "node-a"
                : StickyKeys.key("node-b").equals(m.group(1)) ? "node-b" : "node-c";
        assertThat(first.body()).contains("\"name\":\"" + home + "\"");
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = h2.send(HttpRequest.newBuilder(headers)
                    .header("Cookie", "lang=en; skep_sticky=" + m.group(1)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).contains("\"name\":\"" + home + "\"").contains("\"cookie\":\"lang=en\"")
                    .doesNotContain("skep_sticky");
            assertThat(r.headers().firstValue("set-cookie")).isEmpty();
        }
    }

    @Test
    void anUnknownOrForgedCookieIsReplaced() {
        RawHttp.Response r = get("chat.test", "/", "skep_sticky=ffffffffffffffff");
        assertThat(cookieOf(r)).isEqualTo(StickyKeys.key(servedBy(r)));
    }

    @Test
    void aWebsocketUpgradeFollowsTheCookie() throws Exception {
        for (NodeBackend n : List.of(a, b, c)) {
            LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Cookie", "skep_sticky=" + StickyKeys.key(n.name))
                    .buildAsync(URI.create("ws://localhost:" + router.port() + "/socket"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            texts.add(data.toString());
                            w.request(1);
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
            ws.sendText("hi", true).get(5, TimeUnit.SECONDS);
            assertThat(texts.poll(5, TimeUnit.SECONDS)).isEqualTo(n.name + ": hi");
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        }
        try (RawHttp http = new RawHttp(router.port())) { // no cookie yet: the 101 sets one for the next upgrade
            RawHttp.Response switched = http.request("GET /socket HTTP/1.1\r\nHost: chat.test\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
            assertThat(switched.status()).isEqualTo(101);
            assertThat(switched.header("set-cookie")).startsWith("skep_sticky=");
        }
    }
}
