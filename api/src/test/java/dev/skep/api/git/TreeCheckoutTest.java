package dev.skep.api.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.SkepException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.TreeFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeCheckoutTest {

    @TempDir
    Path dir;

    private final InMemoryRepository repo = new InMemoryRepository(new DfsRepositoryDescription("test"));
    private final ObjectInserter inserter = repo.newObjectInserter();

    @AfterEach
    void close() {
        inserter.close();
        repo.close();
    }

    private ObjectId blob(String text) throws Exception {
        return inserter.insert(Constants.OBJ_BLOB, text.getBytes(StandardCharsets.UTF_8));
    }

    /** package.json, an executable bin/run, a link inside, a submodule. */
    private ObjectId appTree() throws Exception {
        TreeFormatter bin = new TreeFormatter();
        bin.append("run", FileMode.EXECUTABLE_FILE, blob("#!/bin/sh\necho run\n"));
        ObjectId binTree = inserter.insert(bin);
        TreeFormatter root = new TreeFormatter(); // entries in git's order
        root.append("bin", FileMode.TREE, binTree);
        root.append("lib", FileMode.GITLINK, ObjectId.fromString("0123456789012345678901234567890123456789"));
        root.append("package.json", FileMode.REGULAR_FILE, blob("{\"name\": \"a\"}"));
        root.append("start", FileMode.SYMLINK, blob("bin/run"));
        ObjectId tree = inserter.insert(root);
        inserter.flush();
        return tree;
    }

    @Test
    void writesFilesModesAndLinksAndLeavesSubmodulesOut() throws Exception {
        ObjectId tree = appTree();
        TreeCheckout.Result result;
        try (var reader = repo.newObjectReader()) {
            result = TreeCheckout.write(reader, tree, dir.resolve("app"), 1 << 20, 100);
        }
        Path app = dir.resolve("app");
        assertThat(Files.readString(app.resolve("package.json"))).isEqualTo("{\"name\": \"a\"}");
        assertThat(Files.getPosixFilePermissions(app.resolve("bin/run"))).contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.getPosixFilePermissions(app.resolve("package.json")))
                .doesNotContain(PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.isSymbolicLink(app.resolve("start"))).isTrue();
        assertThat(Files.readSymbolicLink(app.resolve("start"))).isEqualTo(Path.of("bin/run"));
        assertThat(app.resolve("lib")).doesNotExist();
        assertThat(result.warnings()).singleElement().asString().contains("lib").contains("submodule");
        assertThat(result.bytes()).isEqualTo("{\"name\": \"a\"}".length() + "#!/bin/sh\necho run\n".length());
    }

    @Test
    void stopsAtTheUnpackedLimitAndTheEntryLimit() throws Exception {
        ObjectId tree = appTree();
        try (var reader = repo.newObjectReader()) {
            assertThatThrownBy(() -> TreeCheckout.write(reader, tree, dir.resolve("small"), 20, 100))
                    .isInstanceOf(SkepException.class).hasMessageContaining("larger than 20 bytes unpacked")
                    .extracting(e -> ((SkepException) e).kind()).isEqualTo(SkepException.Kind.TOO_LARGE);
            assertThatThrownBy(() -> TreeCheckout.write(reader, tree, dir.resolve("few"), 1 << 20, 2))
                    .isInstanceOf(SkepException.class).hasMessageContaining("more than 2 entries");
        }
    }
}
