package dev.skep.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The class path digests a second `hosts add` reads from its cache instead of hashing every jar again. */
class ClassPathEntryTest {

    @TempDir
    Path dir;

    @Test
    void unchangedPiecesTakeTheirDigestFromTheCacheAndAChangedOneIsHashedAgain() throws Exception {
        Path cache = dir.resolve("hosts-digests");
        List<ClassPathEntry> first = ClassPathEntry.ofThisJvm(cache);
        assertThat(first).isNotEmpty();
        assertThat(ClassPathEntry.ofThisJvm(cache)).isEqualTo(first);
        ClassPathEntry jar = first.stream().filter(e -> !e.directory()).findFirst().orElseThrow();
        assertThat(jar.sha256()).isEqualTo(ClassPathEntry.digest(jar.local()));

        // a cached line is believed while its stamp holds: a wrong digest in it shows it was read, not recomputed
        String fake = "0".repeat(64);
        Files.writeString(cache, Files.readString(cache).replace(jar.sha256() + " ", fake + " "));
        assertThat(ClassPathEntry.ofThisJvm(cache).stream().filter(e -> e.local().equals(jar.local())).findFirst()
                .orElseThrow().sha256()).isEqualTo(fake);

        // another stamp (the jar replaced by one of another modification time): hashed again
        List<String> lines = Files.readAllLines(cache);
        String stamp = ClassPathEntry.stamp(jar.local());
        Files.write(cache, lines.stream().map(l -> l.replace(" " + stamp + " ", " 1:1:1 ")).toList());
        assertThat(ClassPathEntry.ofThisJvm(cache).stream().filter(e -> e.local().equals(jar.local())).findFirst()
                .orElseThrow().sha256()).isEqualTo(jar.sha256());
        assertThat(Files.readString(cache)).contains(jar.sha256() + " " + stamp + " " + jar.local());
    }
}
