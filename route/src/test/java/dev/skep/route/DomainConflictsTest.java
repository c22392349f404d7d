package dev.skep.route;

import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.skep.route.RouteTableTest.BLOG;
import static dev.skep.route.RouteTableTest.SHOP;
import static dev.skep.route.RouteTableTest.app;
import static org.assertj.core.api.Assertions.assertThat;

class DomainConflictsTest {

    @Test
    void aFreeDomainIsAccepted() {
        assertThat(DomainConflicts.check(app(SHOP, 1, "shop.example.com"), List.of(app(BLOG, 1, "blog.example.com")),
                "localhost")).isEmpty();
    }

    @Test
    void aDomainAnotherAppServesIsRefusedNamingTheOwner() {
        List<DomainConflicts.Conflict> c = DomainConflicts.check(app(SHOP, 1, "Blog.example.com"),
                List.of(app(BLOG, 1, "blog.example.com")), "localhost");
        assertThat(c).singleElement().satisfies(x -> {
            assertThat(x.host()).isEqualTo("blog.example.com");
            assertThat(x.owner()).isEqualTo(BLOG);
            assertThat(x.reason()).contains("bob/blog");
        });
    }

    @Test
    void domainsUnderTheBaseDomainAreReserved() {
        assertThat(DomainConflicts.check(app(SHOP, 1, "new.bob.localhost"), List.of(), "localhost"))
                .singleElement().satisfies(x -> assertThat(x.reason()).contains("reserved"));
        assertThat(DomainConflicts.check(app(SHOP, 1, "*.localhost"), List.of(), "localhost")).hasSize(1);
    }

    @Test
    void invalidDomainsAreReported() {
        assertThat(DomainConflicts.check(app(SHOP, 1, "not a domain"), List.of(), "localhost")).hasSize(1);
    }

    @Test
    void theAppItselfIsNotAConflict() {
        assertThat(DomainConflicts.check(app(SHOP, 2, "shop.example.com"), List.of(app(SHOP, 1, "shop.example.com")),
                "localhost")).isEmpty();
    }

    @Test
    void allListsEveryContestedHostWithItsWinner() {
        AppId zed = new AppId("zed", "app");
        assertThat(DomainConflicts.all(List.of(app(zed, 1, "x.example.com"), app(SHOP, 1, "x.example.com")), "localhost"))
                .singleElement().satisfies(x -> {
                    assertThat(x.owner()).isEqualTo(SHOP);
                    assertThat(x.claimant()).isEqualTo(zed);
                });
    }

    @Test
    void publicSuffixesAndWildcardsAtThemAreRefused() {
        for (String domain : List.of("*.com", "com.", "*.co.uk", "co.uk", "*.github.io", "*.test", "*.internal")) {
            assertThat(DomainConflicts.check(app(SHOP, 1, domain), List.of(), "localhost")).as(domain)
                    .singleElement().satisfies(c -> {
                        assertThat(c.owner()).isNull();
                        assertThat(c.reason()).containsAnyOf("public suffix", "top-level domain", "must look like");
                    });
        }
        for (String domain : List.of("*.example.com", "*.example.co.uk", "*.alice.test", "shop.alice.test")) {
            assertThat(DomainConflicts.check(app(SHOP, 1, domain), List.of(), "localhost")).as(domain).isEmpty();
        }
    }

    @Test
    void ipAddressesAreNotDomains() {
        for (String domain : List.of("127.0.0.1", "10.0.0.5", "[::1]", "::1")) {
            assertThat(DomainConflicts.check(app(SHOP, 1, domain), List.of(), "localhost")).as(domain)
                    .singleElement().satisfies(c -> assertThat(c.owner()).isNull());
        }
    }

    @Test
    void aCertificateMayNameOnlyTheAppsOwnHosts() {
        var alice = app(SHOP, 1, "*.alice.test");
        var bob = app(BLOG, 1, "shop.alice.test");
        List<AppSpec> all = List.of(alice, bob);
        assertThat(DomainConflicts.certificateNames(SHOP, List.of("*.alice.test"), all, "localhost"))
                .as("alice's wildcard certificate covers bob's shop.alice.test").singleElement()
                .satisfies(c -> assertThat(c.owner()).isEqualTo(BLOG));
        assertThat(DomainConflicts.certificateNames(SHOP, List.of("www.alice.test", "api.alice.test"), all,
                "localhost")).as("names under alice's own wildcard").isEmpty();
        assertThat(DomainConflicts.certificateNames(BLOG, List.of("shop.alice.test", "other.alice.test"), all,
                "localhost")).as("a name bob does not hold, under alice's wildcard").singleElement()
                .satisfies(c -> assertThat(c.owner()).isEqualTo(SHOP));
        assertThat(DomainConflicts.certificateNames(BLOG, List.of("shop.alice.test"), all, "localhost")).isEmpty();
        assertThat(DomainConflicts.certificateNames(BLOG, List.of("shop.alice.localhost"), all, "localhost"))
                .as("another app's default host").singleElement();
    }
}
