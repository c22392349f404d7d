package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DotEnvTest {

    @Test
    void readsBareQuotedExportedAndMultiLineValuesAsDotenvDoes() {
        String file = """
                # database
                DATABASE_URL=postgres://u:p@db/shop
                export NODE_ENV=production
                EMPTY=
                SPACED =  padded value   # a comment
                HASH=a#b
                SINGLE='literal $HOME \\n'
                DOUBLE="line one\\nline \\"two\\""
                PEM="-----BEGIN KEY-----
                abc
                -----END KEY-----"
                EMPTY=later wins
                """;
        assertThat(DotEnv.parse(file)).containsExactly(
                Map.entry("DATABASE_URL", "postgres://u:p@db/shop"),
                Map.entry("NODE_ENV", "production"),
                Map.entry("EMPTY", "later wins"),
                Map.entry("SPACED", "padded value"),
                Map.entry("HASH", "a#b"),
                Map.entry("SINGLE", "literal $HOME \\n"),
                Map.entry("DOUBLE", "line one\nline \"two\""),
                Map.entry("PEM", "-----BEGIN KEY-----\nabc\n-----END KEY-----"));
    }

    @Test
    void aBadLineIsNamedWithoutItsValue() {
        assertThatThrownBy(() -> DotEnv.parse("A=1\nthis is not an assignment\n"))
                .hasMessageContaining("line 2").hasMessageContaining("this is not an assignment");
        assertThatThrownBy(() -> DotEnv.parse("KEY=\"never closed\nMORE=1\n"))
                .hasMessageContaining("line 1").hasMessageContaining("never closes")
                .hasMessageNotContaining("MORE=1");
        assertThatThrownBy(() -> DotEnv.parse("1BAD=secret-value\n")).hasMessageNotContaining("secret-value");
    }
}
