package dev.skep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/** The name boundary, against names built from the pieces attacks are made of. */
class AppIdProperties {

    private static final Path SLUGS = Path.of("/var/lib/skep/slugs");

    @Property(tries = 3000)
    void anAcceptedNameIsSafeInPathsZooKeeperNodesAndHostNames(@ForAll("hostileNames") String name) {
        if (!AppId.isValidName(name)) {
            assertThatThrownBy(() -> new AppId("alice", name)).isInstanceOfSatisfying(SkepException.class,
                    e -> assertThat(e.kind()).isEqualTo(SkepException.Kind.BAD_REQUEST));
            return;
        }
        AppId id = new AppId(name, name);
        assertThat(name).hasSizeBetween(1, 40).matches("[a-z0-9-]+").doesNotStartWith("-").doesNotEndWith("-");
        Path dir = SLUGS.resolve(id.user()).resolve(id.name());
        assertThat(dir.normalize()).isEqualTo(dir);
        assertThat(dir.getParent().getParent()).isEqualTo(SLUGS);
        assertThat(AppId.parse(id.toString())).isEqualTo(id);
    }

    @Property(tries = 1000)
    void everyValidLabelIsAcceptedAndRoundTrips(@ForAll("labels") String user, @ForAll("labels") String app) {
        AppId id = AppId.parse(user + "/" + app);
        assertThat(id.user()).isEqualTo(user);
        assertThat(id.name()).isEqualTo(app);
    }

    @Property(tries = 1000)
    void anythingOutsideTheAlphabetIsRefusedWithAPrintableMessage(@ForAll @StringLength(min = 1, max = 300) String raw) {
        if (AppId.isValidName(raw)) {
            return;
        }
        assertThatThrownBy(() -> new AppId(raw, "shop")).isInstanceOfSatisfying(SkepException.class, e -> {
            assertThat(e.getMessage()).hasSizeLessThan(420); // cut at 60 code points, each escaped to at most 6 chars
            assertThat(e.getMessage().chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
        });
    }

    @Provide
    Arbitrary<String> hostileNames() {
        Arbitrary<String> piece = Arbitraries.of("a", "z", "0", "9", "-", "--", ".", "..", "/", "\\", " ", "\0",
                "A", "Z", "%2e", "%2f", "\u0430", "\u0455", "\u0131", "\uff41", "\u200b", "\n", "~", "$(", ";", "\u00e9");
        return piece.list().ofMinSize(0).ofMaxSize(60).map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<String> labels() {
        Arbitrary<Character> inner = Arbitraries.chars().with("abcdefghijklmnopqrstuvwxyz0123456789-".toCharArray());
        Arbitrary<Character> edge = Arbitraries.chars().with("abcdefghijklmnopqrstuvwxyz0123456789".toCharArray());
        return net.jqwik.api.Combinators.combine(edge, inner.list().ofMaxSize(38), edge, Arbitraries.of(true, false))
                .as((first, middle, last, single) -> {
                    if (single) {
                        return String.valueOf(first);
                    }
                    StringBuilder s = new StringBuilder().append(first);
                    middle.forEach(s::append);
                    return s.append(last).toString();
                });
    }
}
