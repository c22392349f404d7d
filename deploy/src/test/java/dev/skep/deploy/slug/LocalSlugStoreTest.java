package dev.skep.deploy.slug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.AppId;
import dev.skep.model.SkepException.Kind;
import dev.skep.model.SkepException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalSlugStoreTest {

    private static final String SHA = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path tmp;

    @Test
    void slugIdsAreUserAppAndTwelveHexOfTheUpload() {
        assertThat(SlugIds.of(new AppId("alice", "shop"), SHA)).isEqualTo("alice.shop.0123456789ab");
    }

    @Test
    void publishMovesTheBuildInPlaceAndCheckoutFindsIt() throws IOException {
        LocalSlugStore store = new LocalSlugStore(tmp.resolve("slugs"));
        Path built = build("one");

        Path slug = store.publish(built, "alice.shop.0123456789ab");

        assertThat(slug).isEqualTo(tmp.resolve("slugs/alice.shop.0123456789ab"));
        assertThat(slug.resolve("server.js")).hasContent("one");
        assertThat(built).doesNotExist();
        assertThat(store.checkout("alice.shop.0123456789ab")).isEqualTo(slug);
    }

    @Test
    void publishingAnExistingSlugKeepsTheOneThere() throws IOException {
        LocalSlugStore store = new LocalSlugStore(tmp.resolve("slugs"));
        store.publish(build("first"), "alice.shop.0123456789ab");
        Path second = build("second");

        Path slug = store.publish(second, "alice.shop.0123456789ab");

        assertThat(slug.resolve("server.js")).hasContent("first");
        assertThat(second).doesNotExist();
    }

    @Test
    void checkoutOfAnUnknownSlugIsNotFound() {
        LocalSlugStore store = new LocalSlugStore(tmp.resolve("slugs"));

        assertThatThrownBy(() -> store.checkout("alice.shop.0123456789ab")).isInstanceOfSatisfying(SkepException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc", "alice.shop", "alice.shop.0123456789AB", "alice.shop.0123456789a",
        "alice/shop.0123456789ab", ".tmp-123", "alice.shop.0123456789ab/..", "-x.shop.0123456789ab",
        "alice.shop.0123456789ab\n", ""})
    void refusesIdsThatAreNotSlugIds(String id) {
        LocalSlugStore store = new LocalSlugStore(tmp.resolve("slugs"));

        assertThatThrownBy(() -> store.checkout(id)).isInstanceOfSatisfying(SkepException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST));
        assertThatThrownBy(() -> store.publish(tmp, id)).isInstanceOf(SkepException.class);
        assertThat(tmp).exists();
    }

    @Test
    void pruneDeletesSlugsNotKeptAndLeavesWorkInProgress() throws IOException {
        LocalSlugStore store = new LocalSlugStore(tmp.resolve("slugs"));
        store.publish(build("a"), "alice.shop.aaaaaaaaaaaa");
        store.publish(build("b"), "alice.shop.bbbbbbbbbbbb");
        Path work = Files.createDirectories(tmp.resolve("slugs/.tmp-123"));

        assertThat(store.prune(Set.of("alice.shop.bbbbbbbbbbbb"))).containsExactly("alice.shop.aaaaaaaaaaaa");

        assertThat(tmp.resolve("slugs/alice.shop.aaaaaaaaaaaa")).doesNotExist();
        assertThat(tmp.resolve("slugs/alice.shop.bbbbbbbbbbbb")).exists();
        assertThat(work).exists();
    }

    @Test
    void pruningOneAppNeverTouchesAnotherAppsSlugs() throws IOException {
        LocalSlugStore store = new LocalSlugStore(tmp.resolve("slugs"));
        store.publish(build("a"), "alice.shop.aaaaaaaaaaaa");
        store.publish(build("b"), "alice.shopper.bbbbbbbbbbbb");
        store.publish(build("c"), "bob.shop.cccccccccccc");

        assertThat(store.prune(AppId.parse("alice/shop"), Set.of())).containsExactly("alice.shop.aaaaaaaaaaaa");

        assertThat(tmp.resolve("slugs/alice.shopper.bbbbbbbbbbbb")).exists();
        assertThat(tmp.resolve("slugs/bob.shop.cccccccccccc")).exists();
    }

    @Test
    void pruneDoesNotFollowSymlinksOutOfASlug() throws IOException {
        LocalSlugStore store = new LocalSlugStore(tmp.resolve("slugs"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("precious"), "keep me");
        Path built = build("a");
        Files.createSymbolicLink(built.resolve("link"), outside);
        store.publish(built, "alice.shop.aaaaaaaaaaaa");

        store.prune(Set.of());

        assertThat(outside.resolve("precious")).hasContent("keep me");
    }

    private Path build(String content) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "build-");
        Files.writeString(dir.resolve("server.js"), content);
        return dir;
    }
}
