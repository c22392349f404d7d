package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No colour when NO_COLOR is set or output is not a terminal. skep prints none: its only escape sequence is top's
 * screen redraw, on a terminal only (the deploy redraws its upload line with a bare carriage return, also only
 * there); colour added later goes through {@link SkepCli#colour()}.
 */
class NoColourTest {

    @TempDir
    Path home;

    private boolean colour(Map<String, String> env, boolean terminal) {
        return ((SkepCli) SkepCli.commandLine(env, home, Clock.systemUTC(), terminal).getCommand()).colour();
    }

    @Test
    void colourOnlyOnATerminalWithoutNoColor() {
        assertThat(colour(Map.of(), true)).isTrue();
        assertThat(colour(Map.of(), false)).isFalse();
        assertThat(colour(Map.of("NO_COLOR", "1"), true)).isFalse();
        assertThat(colour(Map.of("NO_COLOR", ""), true)).isTrue(); // set but empty: no-color.org says ignore it
    }

    @Test
    void theSourcesWriteNoColourAndNoEscapeOutsideTheGatedRedraws() throws IOException {
        List<Path> escaping;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/skep/cli"))) {
            escaping = files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    String text = Files.readString(f);
                    return text.contains("\\033") || text.contains("\\u001b") || text.contains("\\u001B")
                            || text.contains("\\x1b");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).map(f -> f.getFileName()).toList();
        }
        // TopCommand clears the screen only when interactive() and not --once/--json; add a file here only if its
        // escapes are gated by interactive() (cursor) or colour() (colour)
        assertThat(escaping).containsExactly(Path.of("TopCommand.java"));
    }
}
