package dev.skep.route;

import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.model.RouteSettings;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteTableTest {

    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    static final AppId SHOP = new AppId("alice", "shop");
    static final AppId BLOG = new AppId("bob", "blog");

    static AppSpec app(AppId id, int release, String... domains) {
        return AppSpec.create(id, T).withRelease(release, T).withDomains(List.of(domains), T);
    }

    static InstanceStatus instance(String id, AppId app, int release, int port, InstanceState state) {
        return new InstanceStatus(id, app, release, "agent-1", "10.0.0.5", port, 100, state, T, 0, null, null);
    }

    @Test
    void everyAppAnswersAtItsDefaultHostUnderTheBaseDomain() {
        RouteTable t = RouteTable.build(List.of(app(SHOP, 1)),
                List.of(instance("shop-1", SHOP, 1, 5001, InstanceState.READY)), "localhost");
        AppRoute r = t.lookup("shop.alice.localhost");
        assertThat(r.app()).isEqualTo(SHOP);
        assertThat(r.backends()).containsExactly(new Backend("shop-1", "10.0.0.5", 5001));
        assertThat(t.hosts()).containsExactly("shop.alice.localhost");
    }

    @Test
    void onlyWebInstancesAreBackends() {
        RouteTable t = RouteTable.build(List.of(app(SHOP, 3)), List.of(
                instance("alice.shop.3.web.1.a1b2c3", SHOP, 3, 5001, InstanceState.READY),
                instance("alice.shop.3.worker.1.d4e5f6", SHOP, 3, 5002, InstanceState.READY),
                instance("alice.shop.3.abcdef", SHOP, 3, 5003, InstanceState.READY)), "localhost");
        assertThat(t.lookup("shop.alice.localhost").backends()).extracting(Backend::instance)
                .containsExactly("alice.shop.3.abcdef", "alice.shop.3.web.1.a1b2c3");
        assertThat(t.lookup("shop.alice.localhost").standby()).isEmpty();
    }

    @Test
    void hostLookupIgnoresCasePortAndTrailingDot() {
        RouteTable t = RouteTable.build(List.of(app(SHOP, 1)), List.of(), "Example.COM");
        assertThat(t.lookup("SHOP.alice.example.com:8080")).isNotNull();
        assertThat(t.lookup("shop.alice.example.com.")).isNotNull();
        assertThat(t.lookup("shop.alice.example.org")).isNull();
        assertThat(t.lookup(null)).isNull();
    }

    @Test
    void readyInstancesOfTheAppsReleaseServeAndOtherReadyOnesStandBy() {
        RouteTable t = RouteTable.build(List.of(app(SHOP, 2), app(BLOG, 1)), List.of(
                instance("shop-old", SHOP, 1, 5001, InstanceState.READY),
                instance("shop-new", SHOP, 2, 5002, InstanceState.READY),
                instance("shop-starting", SHOP, 2, 5003, InstanceState.STARTING),
                instance("shop-backoff", SHOP, 2, 5004, InstanceState.BACKOFF),
                instance("blog-1", BLOG, 1, 5005, InstanceState.READY)), "localhost");
        assertThat(t.lookup("shop.alice.localhost").backends()).extracting(Backend::instance)
                .containsExactly("shop-new");
        assertThat(t.lookup("shop.alice.localhost").standby()).extracting(Backend::instance)
                .containsExactly("shop-old");
        assertThat(t.lookup("blog.bob.localhost").backends()).extracting(Backend::instance)
                .containsExactly("blog-1");
        assertThat(t.backends()).extracting(Backend::instance).contains("shop-old", "shop-new", "blog-1");
    }

    @Test
    void whenNoInstanceOfTheReleaseIsReadyTheOtherReadyOnesServe() {
        RouteTable t = RouteTable.build(List.of(app(SHOP, 2)), List.of(
                instance("shop-old", SHOP, 1, 5001, InstanceState.READY),
                instance("shop-new", SHOP, 2, 5002, InstanceState.BACKOFF)), "localhost");
        assertThat(t.lookup("shop.alice.localhost").backends()).extracting(Backend::instance)
                .containsExactly("shop-old");
        assertThat(t.lookup("shop.alice.localhost").standby()).isEmpty();
    }

    @Test
    void anAppWithNoReadyInstanceStillHasARouteWithNoBackends() {
        RouteTable t = RouteTable.build(List.of(app(SHOP, 1)),
                List.of(instance("shop-1", SHOP, 1, 5001, InstanceState.CRASH_LOOP)), "localhost");
        assertThat(t.lookup("shop.alice.localhost").backends()).isEmpty();
    }

    @Test
    void customDomainsAndWildcardsRouteToTheirApp() {
        RouteTable t = RouteTable.build(List.of(app(SHOP, 1, "shop.example.com", "*.example.com"),
                app(BLOG, 1, "*.blog.example.com")), List.of(), "localhost");
        assertThat(t.lookup("shop.example.com").app()).isEqualTo(SHOP);
        assertThat(t.lookup("www.example.com").app()).isEqualTo(SHOP);
        assertThat(t.lookup("a.b.example.com").app()).isEqualTo(SHOP);
        assertThat(t.lookup("x.blog.example.com").app()).isEqualTo(BLOG);   // longest wildcard wins
        assertThat(t.lookup("example.com")).isNull();                       // a wildcard needs a label
    }

    @Test
    void anExactHostWinsOverAWildcard() {
        RouteTable t = RouteTable.build(List.of(app(SHOP, 1, "*.example.com"), app(BLOG, 1, "blog.example.com")),
                List.of(), "localhost");
        assertThat(t.lookup("blog.example.com").app()).isEqualTo(BLOG);
        assertThat(t.lookup("other.example.com").app()).isEqualTo(SHOP);
    }

    @Test
    void aContestedDomainGoesToTheFirstAppByName() {
        AppId zed = new AppId("zed", "app");
        RouteTable t = RouteTable.build(List.of(app(zed, 1, "x.example.com"), app(SHOP, 1, "x.example.com")),
                List.of(), "localhost");
        assertThat(t.lookup("x.example.com").app()).isEqualTo(SHOP);
        assertThat(t.lookup("app.zed.localhost").app()).isEqualTo(zed);
    }

    @Test
    void invalidDomainsAreSkipped() {
        RouteTable t = RouteTable.build(List.of(app(SHOP, 1, "bad domain", "ok.example.com")), List.of(), "localhost");
        assertThat(t.hosts()).containsExactly("ok.example.com", "shop.alice.localhost");
    }

    @Test
    void backendsListsEveryBackendOnce() {
        RouteTable t = RouteTable.build(List.of(app(SHOP, 1, "*.example.com")),
                List.of(instance("shop-1", SHOP, 1, 5001, InstanceState.READY)), "localhost");
        assertThat(t.backends()).containsExactly(new Backend("shop-1", "10.0.0.5", 5001));
    }

    @Test
    void aStoppedAppKeepsARouteThatSaysSo() {
        RouteTable t = RouteTable.build(List.of(app(SHOP, 1).withRunning(false, T), app(BLOG, 1)), List.of(), "localhost");
        assertThat(t.lookup("shop.alice.localhost").running()).isFalse();
        assertThat(t.lookup("blog.bob.localhost").running()).isTrue();
    }

    @Test
    void aStickyAppsCookieValuesNameItsServingInstancesOnly() {
        RouteTable t = RouteTable.build(List.of(app(SHOP, 2), app(BLOG, 1)), List.of(
                instance("shop-old", SHOP, 1, 5001, InstanceState.READY),
                instance("shop-new", SHOP, 2, 5002, InstanceState.READY),
                instance("blog-1", BLOG, 1, 5003, InstanceState.READY)), "localhost",
                Map.of(SHOP, new RouteSettings(0, false, true)));
        StickyKeys keys = t.lookup("shop.alice.localhost").sticky();
        assertThat(keys).isNotNull();
        assertThat(keys.backend(StickyKeys.key("shop-new"))).isEqualTo(new Backend("shop-new", "10.0.0.5", 5002));
        assertThat(keys.backend(StickyKeys.key("shop-old"))).as("a standing-by release holds no session").isNull();
        assertThat(t.lookup("blog.bob.localhost").sticky()).as("off by default").isNull();
    }

    @Test
    void explicitTablesRejectBadHosts() {
        assertThatThrownBy(() -> RouteTable.of(Map.of("a b", new AppRoute(SHOP, List.of()))))
                .hasMessageContaining("'a b'");
    }

    @Test
    void hostNamesNormalize() {
        assertThat(HostNames.normalize("[::1]:8080")).isEqualTo("[::1]");
        assertThat(HostNames.normalize(" Shop.Example.com:443 ")).isEqualTo("shop.example.com");
        assertThat(HostNames.requireDomain("*.Example.com")).isEqualTo("*.example.com");
        assertThatThrownBy(() -> HostNames.requireDomain("*.*.example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostNames.requireDomain("localhost")).isInstanceOf(IllegalArgumentException.class);
    }
}
