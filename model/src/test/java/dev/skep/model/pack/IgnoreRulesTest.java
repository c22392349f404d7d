package dev.skep.model.pack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IgnoreRulesTest {

    private static IgnoreRules rules(String... lines) {
        return IgnoreRules.parse(List.of(lines));
    }

    @Test
    void alwaysLeavesOutGitAndNodeModulesAtAnyDepth() {
        IgnoreRules none = rules();

        assertThat(none.ignored(".git", true)).isTrue();
        assertThat(none.ignored("node_modules", true)).isTrue();
        assertThat(none.ignored("packages/web/node_modules", true)).isTrue();
        assertThat(none.ignored("src/index.js", false)).isFalse();
    }

    @Test
    void aPatternWithoutASlashMatchesANameAtAnyDepth() {
        IgnoreRules rules = rules("*.log");

        assertThat(rules.ignored("app.log", false)).isTrue();
        assertThat(rules.ignored("logs/deep/app.log", false)).isTrue();
        assertThat(rules.ignored("app.log.txt", false)).isFalse();
    }

    @Test
    void aPatternWithASlashIsAnchoredAtTheRoot() {
        IgnoreRules rules = rules("/build", "docs/*.md");

        assertThat(rules.ignored("build", true)).isTrue();
        assertThat(rules.ignored("src/build", true)).isFalse();
        assertThat(rules.ignored("docs/a.md", false)).isTrue();
        assertThat(rules.ignored("docs/sub/a.md", false)).isFalse();
        assertThat(rules.ignored("x/docs/a.md", false)).isFalse();
    }

    @Test
    void aTrailingSlashMatchesDirectoriesOnly() {
        IgnoreRules rules = rules("tmp/");

        assertThat(rules.ignored("tmp", true)).isTrue();
        assertThat(rules.ignored("a/tmp", true)).isTrue();
        assertThat(rules.ignored("tmp", false)).isFalse();
    }

    @Test
    void doubleStarsCrossDirectories() {
        IgnoreRules rules = rules("**/cache", "test/**", "a/**/z.txt");

        assertThat(rules.ignored("cache", true)).isTrue();
        assertThat(rules.ignored("x/y/cache", true)).isTrue();
        assertThat(rules.ignored("test/unit/a.js", false)).isTrue();
        assertThat(rules.ignored("test", true)).isFalse();
        assertThat(rules.ignored("a/z.txt", false)).isTrue();
        assertThat(rules.ignored("a/b/c/z.txt", false)).isTrue();
    }

    @Test
    void theLastMatchingRuleWinsAndBangReIncludes() {
        IgnoreRules rules = rules("*.env", "!example.env");

        assertThat(rules.ignored("prod.env", false)).isTrue();
        assertThat(rules.ignored("example.env", false)).isFalse();
    }

    @Test
    void skipsCommentsAndBlanksAndHonoursClassesAndQuestionMarks() {
        IgnoreRules rules = rules("# a comment", "", "   ", "file?.[ch]", "\\#literal", "[!a]x");

        assertThat(rules.ignored("# a comment", false)).isFalse();
        assertThat(rules.ignored("file1.c", false)).isTrue();
        assertThat(rules.ignored("file1.o", false)).isFalse();
        assertThat(rules.ignored("file12.c", false)).isFalse();
        assertThat(rules.ignored("#literal", false)).isTrue();
        assertThat(rules.ignored("bx", false)).isTrue();
        assertThat(rules.ignored("ax", false)).isFalse();
    }

    @Test
    void regexCharactersInPatternsAreLiteral() {
        IgnoreRules rules = rules("a+b(1).js");

        assertThat(rules.ignored("a+b(1).js", false)).isTrue();
        assertThat(rules.ignored("aab1.js", false)).isFalse();
    }
}
