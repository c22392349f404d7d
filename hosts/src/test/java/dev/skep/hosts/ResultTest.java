package dev.skep.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultTest {

    /** A tar that ran out of space: its first error, then one for every file after, far past said()'s tail. */
    @Test
    void theLineThatSaysWhatHappenedIsFoundBeforeTheTailAFailureQuotes() {
        StringBuilder err = new StringBuilder("tar: ./lib/modules: Cannot write: No space left on device\n");
        for (int i = 0; i < 200; i++) {
            err.append("tar: ./lib/file").append(i).append(": Cannot open: No such file or directory\n");
        }
        Result result = new Result(2, "", err.toString());
        assertThat(result.said()).startsWith("...").doesNotContain("No space left");
        assertThat(result.lineWith("No space left on device"))
                .isEqualTo("tar: ./lib/modules: Cannot write: No space left on device");
        assertThat(result.lineWith("Permission denied")).isEmpty();
    }
}
