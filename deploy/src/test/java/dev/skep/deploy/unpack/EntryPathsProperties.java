package dev.skep.deploy.unpack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The path guard, against names made of the pieces attacks are made of. */
class EntryPathsProperties {

    private static final Path ROOT = Path.of("/srv/skep/slugs/.tmp-1");

    @Property(tries = 2000)
    void anAcceptedNameAlwaysLandsInsideTheRoot(@ForAll("hostileNames") String name) {
        Path path;
        try {
            path = EntryPaths.resolve(ROOT, name, "entry");
        } catch (SkepException e) {
            assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
            assertThat(e.getMessage()).startsWith("unsafe archive: entry");
            return;
        }
        assertThat(path.normalize()).isEqualTo(path);
        assertThat(path.startsWith(ROOT)).as("%s inside %s", path, ROOT).isTrue();
        Path relative = ROOT.relativize(path);
        assertThat(relative.isAbsolute()).isFalse();
        assertThat(relative.toString()).doesNotContain("\0");
        relative.forEach(part -> assertThat(part.toString()).isNotEqualTo(".."));
    }

    @Property(tries = 2000)
    void aNameIsAcceptedExactlyWhenItIsRelativeAndNeverGoesUp(@ForAll("segments") List<String> segments,
                                                              @ForAll boolean absolute) {
        String name = (absolute ? "/" : "") + String.join("/", segments);
        boolean safe = !name.startsWith("/") && !segments.contains("..") && !name.isEmpty();

        boolean accepted;
        try {
            EntryPaths.relative(name, "entry");
            accepted = true;
        } catch (SkepException e) {
            accepted = false;
        }
        assertThat(accepted).as("accepted '%s'", name).isEqualTo(safe);
    }

    @Property
    void dotSlashPrefixesAndDoubledSlashesDoNotChangeTheName(@ForAll("plainSegments") List<String> segments,
                                                           @ForAll boolean dotSlash) {
        String plain = String.join("/", segments);
        String noisy = (dotSlash ? "./" : "") + String.join("//./", segments) + "/";

        assertThat(EntryPaths.relative(noisy, "entry")).isEqualTo(EntryPaths.relative(plain, "entry"));
    }

    @Provide
    Arbitrary<String> hostileNames() {
        Arbitrary<String> pieces = Arbitraries.of("..", ".", "/", "a", "b", "\\", "..\\", "\0", "~", "%2e%2e", "..../", "é");
        return Combinators.combine(pieces.list().ofMinSize(0).ofMaxSize(10), Arbitraries.strings().ofMaxLength(6))
                .as((list, noise) -> String.join("", list) + noise);
    }

    @Provide
    Arbitrary<List<String>> segments() {
        return Arbitraries.of("..", ".", "", "a", "b", "..a", "a..", "...", " ", "a b").list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<String>> plainSegments() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(5).list().ofMinSize(1).ofMaxSize(5);
    }
}
