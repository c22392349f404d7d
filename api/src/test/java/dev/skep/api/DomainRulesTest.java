package dev.skep.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.SkepException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DomainRulesTest {

    /** Rules that spell a domain in lower case and refuse one with a space, as the router's refuse what is none. */
    private final DomainRules rules = new DomainRules() {
        @Override
        public String normalize(String domain) {
            if (domain.contains(" ")) {
                throw new IllegalArgumentException("'" + domain + "' is not a domain name");
            }
            return domain.toLowerCase(Locale.ROOT);
        }

        @Override
        public String defaultHost(AppId app) {
            return app.name() + "." + app.user() + ".localhost";
        }

        @Override
        public List<Refusal> check(AppSpec candidate, List<AppSpec> all) {
            return List.of();
        }

        @Override
        public Optional<String> unproven(String user, String domain) {
            return Optional.empty();
        }

        @Override
        public List<Refusal> checkCertificate(AppId app, List<String> names, List<AppSpec> all) {
            return List.of();
        }
    };

    @Test
    void aRequestedDomainIsNormalizedAsTheRulesSpellIt() {
        assertThat(rules.normalizeRequested("Shop.Example.COM")).isEqualTo("shop.example.com");
    }

    @Test
    void aRequestedDomainTheRulesRefuseIsABadRequestSayingWhy() {
        assertThatThrownBy(() -> rules.normalizeRequested("not a domain"))
                .isInstanceOfSatisfying(SkepException.class,
                        e -> assertThat(e.kind()).isEqualTo(SkepException.Kind.BAD_REQUEST))
                .hasMessage("'not a domain' is not a domain name");
    }
}
