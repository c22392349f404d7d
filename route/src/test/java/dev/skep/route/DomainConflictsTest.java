package dev.skep.route;

import dev.skep.model.AppId;
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
}
