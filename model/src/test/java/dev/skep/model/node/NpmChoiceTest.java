package dev.skep.model.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Which npm a build on a fetched Node runs: engines.npm, else the npm that Node ships, as on Heroku. */
class NpmChoiceTest {

    /** Some of npm's real releases, out of order as a listing may be. */
    private static final List<NodeVersion> NPM = Stream.of("6.14.18", "7.24.2", "8.19.4", "8.19.3", "9.9.4", "10.2.4",
            "10.9.3", "11.6.2", "11.0.0-pre.1", "12.0.0-pre.0", "8.1.0", "6.14.17").map(v -> NodeVersion.parse(v).orElseThrow())
            .toList();

    private static String choose(String node, String enginesNpm) {
        return NpmChoice.choose(Optional.ofNullable(enginesNpm), NodeVersion.parse(node).orElseThrow(), NPM).version()
                .toString();
    }

    @Test
    void withoutEnginesNpmANodeLineGetsTheNewestOfTheMajorItShips() {
        assertThat(choose("14.21.3", null)).isEqualTo("6.14.18");
        assertThat(choose("16.20.2", null)).isEqualTo("8.19.4");
        assertThat(choose("17.9.1", null)).isEqualTo("8.19.4");
        assertThat(choose("19.9.0", null)).isEqualTo("9.9.4");
        assertThat(choose("22.23.5", null)).isEqualTo("10.9.3");
        assertThat(choose("24.1.0", null)).isEqualTo("11.6.2");
        assertThat(choose("99.0.0", null)).as("a line newer than the table: the newest npm, never a prerelease")
                .isEqualTo("11.6.2");
    }

    @Test
    void whereTheNextNpmMajorNeedsANewerMinorTheMinorDecides() {
        // npm 10 runs on ^18.17.0 || >=20.5.0
        assertThat(choose("18.16.1", null)).isEqualTo("9.9.4");
        assertThat(choose("18.20.8", null)).isEqualTo("10.9.3");
        assertThat(choose("20.4.0", null)).isEqualTo("9.9.4");
        assertThat(choose("20.19.0", null)).isEqualTo("10.9.3");
    }

    @Test
    void enginesNpmWinsWithTheNewestReleaseItAllows() {
        assertThat(choose("16.20.2", "7.x")).isEqualTo("7.24.2");
        assertThat(choose("16.20.2", ">=8.1 <8.19.4")).isEqualTo("8.19.3");
        assertThat(NpmChoice.choose(Optional.of("^9"), NodeVersion.of(16, 20, 2), NPM).reason())
                .isEqualTo("npm 9.9.4: the newest release satisfying \"^9\" (package.json engines.npm)");
        assertThat(NpmChoice.choose(Optional.empty(), NodeVersion.of(16, 20, 2), NPM).reason())
                .isEqualTo("npm 8.19.4: the npm 8.x Node 16.20.2 ships");
    }

    @Test
    void anEnginesNpmNothingSatisfiesOrThatIsNoRangeFailsTheDeploy() {
        assertThatThrownBy(() -> choose("16.20.2", "5.x")).isInstanceOfSatisfying(SkepException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE))
                .hasMessage("no npm release satisfies \"5.x\" (package.json engines.npm)");
        assertThatThrownBy(() -> choose("16.20.2", "latest please")).isInstanceOfSatisfying(SkepException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.UNPROCESSABLE))
                .hasMessageStartingWith("package.json engines.npm \"latest please\" is not a version range");
    }
}
