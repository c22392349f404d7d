package dev.skep.deploy.unpack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.fs.RecursiveDelete;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The symlink check agrees with the kernel: for link targets through other links, the check says
 * "inside" exactly when the resolved real path is inside. Both the root and the tree around it
 * have the same directories, so escaping targets resolve too and can be compared.
 */
class LinkCheckProperties {

    private static Path outer;
    private static Path root;

    @BeforeContainer
    static void tree() throws IOException {
        outer = Files.createTempDirectory("linkcheck-").toRealPath();
        makeDirs(outer, 3);
        root = Files.createDirectory(outer.resolve("root"));
        makeDirs(root, 3);
        Files.createSymbolicLink(root.resolve("a/s"), Path.of("../b"));
        Files.createSymbolicLink(root.resolve("b/t"), Path.of(".."));
        Files.createSymbolicLink(root.resolve("a/b/u"), Path.of("../.."));
        Files.createSymbolicLink(root.resolve("a/a/v"), Path.of("../../b/t"));
    }

    @AfterContainer
    static void removeTree() throws IOException {
        RecursiveDelete.delete(outer);
    }

    @Property(tries = 1500)
    void agreesWithTheKernel(@ForAll("targets") List<String> parts, @ForAll("linkDirs") String linkDir)
            throws IOException {
        Path link = root.resolve(linkDir).resolve("probe");
        Files.createSymbolicLink(link, Path.of(String.join("/", parts)));
        try {
            Path real;
            try {
                real = link.toRealPath();
            } catch (IOException e) {
                real = null;
            }
            Assume.that(real != null);
            boolean inside = LinkCheck.problem(root, link).isEmpty();
            assertThat(inside).as("%s/probe -> %s resolves to %s", linkDir, String.join("/", parts), real)
                    .isEqualTo(real.startsWith(root));
        } finally {
            Files.delete(link);
        }
    }

    @Provide
    Arbitrary<List<String>> targets() {
        return Arbitraries.of("..", ".", "a", "b", "s", "t", "u", "v").list().ofMinSize(1).ofMaxSize(7);
    }

    @Provide
    Arbitrary<String> linkDirs() {
        return Arbitraries.of(".", "a", "b", "a/a", "a/b", "b/a", "a/b/a");
    }

    private static void makeDirs(Path dir, int depth) throws IOException {
        if (depth == 0) {
            return;
        }
        for (String name : List.of("a", "b")) {
            Path child = Files.createDirectories(dir.resolve(name));
            makeDirs(child, depth - 1);
        }
    }
}
