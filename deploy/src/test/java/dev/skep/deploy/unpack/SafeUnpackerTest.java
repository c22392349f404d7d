package dev.skep.deploy.unpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.deploy.Tarball;
import dev.skep.deploy.intake.UploadLimits;
import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeUnpackerTest {

    private static final String PACKAGE_JSON = "{\"name\":\"t\",\"version\":\"1.0.0\"}";

    @TempDir
    Path tmp;

    /** Holds only dest: whatever else appears in it was written outside dest. */
    private Path box;
    private Path dest;
    private Path tarGz;
    private final UploadLimits limits = new UploadLimits(64L << 20, 64L << 20, 1000);

    @BeforeEach
    void layout() throws IOException {
        box = Files.createDirectory(tmp.resolve("box"));
        dest = box.resolve("dest");
        tarGz = tmp.resolve("upload.tar.gz");
    }

    // --- layouts that work ---

    @Test
    void unpacksBareFilesIntoTheRoot() throws IOException {
        Unpacked unpacked = unpack(Tarball.create().file("package.json", PACKAGE_JSON).file("server.js", "//"));

        assertThat(unpacked.appRoot()).isEqualTo(dest.toRealPath());
        assertThat(dest.resolve("package.json")).hasContent(PACKAGE_JSON);
        assertThat(unpacked.entries()).isEqualTo(2);
        assertThat(unpacked.bytes()).isEqualTo(PACKAGE_JSON.length() + 2);
    }

    @Test
    void acceptsDotSlashPrefixes() throws IOException {
        Unpacked unpacked = unpack(Tarball.create().dir("./").file("./package.json", PACKAGE_JSON)
                .dir("./lib").file("./lib/a.js", "a"));

        assertThat(unpacked.appRoot()).isEqualTo(dest.toRealPath());
        assertThat(dest.resolve("lib/a.js")).hasContent("a");
    }

    @Test
    void findsTheAppInASingleTopFolderAsGitHubTarballsHaveIt() throws IOException {
        Unpacked unpacked = unpack(Tarball.create().dir("shop-main").file("shop-main/package.json", PACKAGE_JSON)
                .file("shop-main/index.js", "//"));

        assertThat(unpacked.appRoot()).isEqualTo(dest.toRealPath().resolve("shop-main"));
    }

    @Test
    void anUploadWithoutAnyAppFileIsUnprocessable() {
        rejected(() -> unpack(Tarball.create().file("README.md", "hi").file("lib/x.js", "x")),
                Kind.UNPROCESSABLE, "no package.json, Procfile or server.js/app.js/index.js in the upload");
    }

    @Test
    void keepsSymlinksThatStayInside() throws IOException {
        unpack(Tarball.create().file("package.json", PACKAGE_JSON).file("lib/real.js", "r")
                .symlink("current.js", "lib/real.js").symlink("lib/up", "..").symlink("lib/self", "./real.js"));

        assertThat(Files.readSymbolicLink(dest.resolve("current.js"))).isEqualTo(Path.of("lib/real.js"));
        assertThat(dest.resolve("current.js")).hasContent("r");
        assertThat(Files.isSymbolicLink(dest.resolve("lib/up"))).isTrue();
    }

    @Test
    void keepsHardLinksToEarlierFiles() throws IOException {
        unpack(Tarball.create().file("package.json", PACKAGE_JSON).hardLink("copy.json", "package.json"));

        assertThat(dest.resolve("copy.json")).hasContent(PACKAGE_JSON);
    }

    @Test
    void stripsSetuidSetgidAndStickyBitsButKeepsTheFile() throws IOException {
        unpack(Tarball.create().file("package.json", PACKAGE_JSON)
                .file("bin/run", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 06755)
                .file("shared", "x".getBytes(StandardCharsets.UTF_8), 01777));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("bin/run"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dest.resolve("shared"))))
                .isEqualTo("rwxr-xr-x");
        Object mode = Files.getAttribute(dest.resolve("bin/run"), "unix:mode");
        assertThat((Integer) mode & 07000).isZero();
    }

    // --- paths that leave dest ---

    @Test
    void refusesDotDot() {
        rejected(() -> unpack(Tarball.create().file("package.json", PACKAGE_JSON).file("../evil.js", "x")),
                Kind.BAD_REQUEST, "unsafe archive: entry '../evil.js' goes up with '..'");
        rejected(() -> unpack(Tarball.create().file("package.json", PACKAGE_JSON).file("a/../../evil.js", "x")),
                Kind.BAD_REQUEST, "entry 'a/../../evil.js' goes up with '..'");
    }

    @Test
    void refusesAbsolutePaths() {
        Path target = tmp.resolve("absolute-" + UUID.randomUUID());
        rejected(() -> unpack(Tarball.create().file("package.json", PACKAGE_JSON).file(target.toString(), "x")),
                Kind.BAD_REQUEST, "unsafe archive: entry '" + target + "' is an absolute path");
        assertThat(target).doesNotExist();
    }

    @Test
    void refusesASymlinkToEtcAndTheFileWrittenThroughIt() {
        String name = "skep-test-" + UUID.randomUUID();
        rejected(() -> unpack(Tarball.create().file("package.json", PACKAGE_JSON).symlink("etc", "/etc")
                        .file("etc/" + name, "owned")),
                Kind.BAD_REQUEST, "symlink 'etc' -> '/etc' points to an absolute path");
        assertThat(Path.of("/etc", name)).doesNotExist();
    }

    @Test
    void refusesAFileWrittenThroughARelativeSymlink() {
        rejected(() -> unpack(Tarball.create().file("package.json", PACKAGE_JSON).symlink("up", "..")
                        .file("up/evil.js", "x")),
                Kind.BAD_REQUEST, "entry 'up/evil.js' is written through symlink 'up'");
    }

    @Test
    void refusesASymlinkThatGoesUpOutOfDest() {
        rejected(() -> unpack(Tarball.create().file("package.json", PACKAGE_JSON).symlink("lib/x", "../../x")),
                Kind.BAD_REQUEST, "symlink 'lib/x' -> '../../x' points outside the upload");
    }

    @Test
    void refusesASymlinkThatEscapesThroughAnotherSymlink() {
        // Reads as a/b on paper; on disk s is the root, so s/.. is the root's parent.
        rejected(() -> unpack(Tarball.create().file("package.json", PACKAGE_JSON).dir("a/b")
                        .symlink("a/b/s", "../..").symlink("a/b/t", "s/..")),
                Kind.BAD_REQUEST, "symlink 'a/b/t' -> 's/..' points outside the upload");
    }

    @Test
    void refusesALoopOfSymlinks() {
        rejected(() -> unpack(Tarball.create().file("package.json", PACKAGE_JSON).symlink("a", "b/x")
                        .symlink("b", "a/y")),
                Kind.BAD_REQUEST, "is part of a loop of links");
    }

    @Test
    void refusesAHardLinkToEtcPasswd() {
        rejected(() -> unpack(Tarball.create().file("package.json", PACKAGE_JSON).hardLink("pw", "/etc/passwd")),
                Kind.BAD_REQUEST, "hard link 'pw' -> '/etc/passwd' is an absolute path");
        rejected(() -> unpack(Tarball.create().file("package.json", PACKAGE_JSON).hardLink("pw", "../../etc/passwd")),
                Kind.BAD_REQUEST, "hard link 'pw' -> '../../etc/passwd' goes up with '..'");
    }

    @Test
    void refusesAHardLinkToSomethingNotUnpackedBefore() {
        rejected(() -> unpack(Tarball.create().file("package.json", PACKAGE_JSON).hardLink("h", "later.js")
                        .file("later.js", "x")),
                Kind.BAD_REQUEST, "hard link 'h' -> 'later.js' does not point to a file earlier in the archive");
    }

    @Test
    void refusesDeviceNodesAndFifos() {
        rejected(() -> unpack(Tarball.create().file("package.json", PACKAGE_JSON).charDevice("null")),
                Kind.BAD_REQUEST, "unsafe archive: entry 'null' is a device node");
        rejected(() -> unpack(Tarball.create().file("package.json", PACKAGE_JSON).fifo("pipe")),
                Kind.BAD_REQUEST, "unsafe archive: entry 'pipe' is a FIFO");
    }

    @Test
    void refusesAGnuLongNameTooBigToHoldInMemoryBeforeReadingIt() throws IOException {
        // Only the header: it claims a 1 GiB name; reading it whole is what the guard prevents.
        TarArchiveEntry longName = new TarArchiveEntry("././@LongLink", TarConstants.LF_GNUTYPE_LONGNAME);
        longName.setSize(1L << 30);
        byte[] header = new byte[512];
        longName.writeEntryHeader(header);
        Files.write(tarGz, gzip(header));

        rejected(() -> SafeUnpacker.unpack(tarGz, dest, limits), Kind.BAD_REQUEST,
                "unsafe archive: an entry name is 1073741824 bytes long");
    }

    // --- bombs ---

    @Test
    void stopsAtTheEntryLimit() {
        Tarball many = Tarball.create().file("package.json", PACKAGE_JSON);
        for (int i = 0; i < 100_001; i++) {
            many.file("f/" + i, "");
        }
        rejected(() -> unpack(many), Kind.TOO_LARGE, "upload has more than 1000 entries");
    }

    @Test
    void stopsAGzipBombAtTheUnpackedLimit() {
        UploadLimits small = new UploadLimits(64L << 20, 8L << 20, 1000);
        Tarball bomb = Tarball.create().file("package.json", PACKAGE_JSON).zeros("zeros.bin", 64L << 20);
        bomb.writeTo(tarGz);

        rejected(() -> SafeUnpacker.unpack(tarGz, dest, small), Kind.TOO_LARGE,
                "upload unpacks to more than 8388608 bytes");
    }

    @Test
    void stopsASmallGzipBombByItsRatioLongBeforeTheDefaultLimit() throws IOException {
        // ~100 KB that would unpack to 256 MiB: far under 2 GiB, far over 100x.
        Tarball.create().file("package.json", PACKAGE_JSON).zeros("zeros.bin", 256L << 20).writeTo(tarGz);
        assertThat(Files.size(tarGz)).isLessThan(1 << 20);

        rejected(() -> SafeUnpacker.unpack(tarGz, dest, UploadLimits.defaults()), Kind.TOO_LARGE,
                "upload unpacks to more than " + UploadLimits.RATIO_FLOOR + " bytes");
    }

    // --- not a tar.gz ---

    @Test
    void refusesSomethingThatIsNotGzip() throws IOException {
        Files.writeString(tarGz, "hello, this is not an archive");
        rejected(() -> SafeUnpacker.unpack(tarGz, dest, limits), Kind.BAD_REQUEST, "upload is not gzip-compressed");
    }

    @Test
    void saysSoWhenTheUploadIsAPlainTar() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry entry = new TarArchiveEntry("package.json");
            entry.setSize(2);
            tar.putArchiveEntry(entry);
            tar.write("{}".getBytes(StandardCharsets.UTF_8));
            tar.closeArchiveEntry();
        }
        Files.write(tarGz, bytes.toByteArray());
        rejected(() -> SafeUnpacker.unpack(tarGz, dest, limits), Kind.BAD_REQUEST,
                "upload is not gzip-compressed (it is a plain tar)");
    }

    @Test
    void refusesGzipThatHoldsNoTar() throws IOException {
        Files.write(tarGz, gzip("just some text, not a tar\n".repeat(40).getBytes(StandardCharsets.UTF_8)));
        rejected(() -> SafeUnpacker.unpack(tarGz, dest, limits), Kind.BAD_REQUEST,
                "upload is not a valid gzipped tar archive");
    }

    @Test
    void refusesATruncatedGzip() throws IOException {
        byte[] whole = Tarball.create().file("package.json", PACKAGE_JSON).file("noise.bin", random(200_000), 0644)
                .bytes();
        Files.write(tarGz, Arrays.copyOf(whole, whole.length * 2 / 3));
        rejected(() -> SafeUnpacker.unpack(tarGz, dest, limits), Kind.BAD_REQUEST,
                "archive is truncated or corrupt after 2 entries");
    }

    @Test
    void refusesATruncatedTarInsideAValidGzip() throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            TarArchiveEntry entry = new TarArchiveEntry("package.json");
            entry.setSize(PACKAGE_JSON.length());
            out.putArchiveEntry(entry);
            out.write(PACKAGE_JSON.getBytes(StandardCharsets.UTF_8));
            out.closeArchiveEntry();
            TarArchiveEntry big = new TarArchiveEntry("big.bin");
            big.setSize(100_000);
            out.putArchiveEntry(big);
            out.write(random(100_000));
            out.closeArchiveEntry();
        }
        Files.write(tarGz, gzip(Arrays.copyOf(tar.toByteArray(), 50_000)));
        rejected(() -> SafeUnpacker.unpack(tarGz, dest, limits), Kind.BAD_REQUEST,
                "archive is truncated or corrupt after 2 entries");
    }

    @Test
    void refusesAnEmptyArchive() throws IOException {
        rejected(() -> unpack(Tarball.create()), Kind.BAD_REQUEST, "empty archive");
        Files.write(tarGz, new byte[0]);
        rejected(() -> SafeUnpacker.unpack(tarGz, dest, limits), Kind.BAD_REQUEST, "empty archive");
    }

    @Test
    void neverTouchesADestinationThatIsNotEmpty() throws IOException {
        Files.createDirectories(dest);
        Files.writeString(dest.resolve("keep.txt"), "mine");
        Tarball.create().file("package.json", PACKAGE_JSON).writeTo(tarGz);

        assertThatThrownBy(() -> SafeUnpacker.unpack(tarGz, dest, limits)).isInstanceOf(IllegalArgumentException.class);
        assertThat(dest.resolve("keep.txt")).hasContent("mine");
    }

    // --- helpers ---

    private Unpacked unpack(Tarball tarball) {
        tarball.writeTo(tarGz);
        return SafeUnpacker.unpack(tarGz, dest, limits);
    }

    /** The call fails as said, dest is gone, and nothing appeared next to it. */
    private void rejected(ThrowingCallable call, Kind kind, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SkepException.class, e -> {
            assertThat(e.kind()).as("kind of: " + e.getMessage()).isEqualTo(kind);
            assertThat(e.getMessage()).contains(message);
            assertThat(e.detail()).isNotBlank();
        });
        assertThat(Files.exists(dest, LinkOption.NOFOLLOW_LINKS)).as("dest deleted").isFalse();
        assertThat(box).as("nothing written outside dest").isEmptyDirectory();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(7).nextBytes(bytes);
        return bytes;
    }
}
