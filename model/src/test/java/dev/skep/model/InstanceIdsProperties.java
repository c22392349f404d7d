package dev.skep.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** InstanceIds reads ids without a regex: it must read exactly the language of the regex it replaced. */
class InstanceIdsProperties {

    /** The ids' language as it was written first (a regex), the oracle. */
    private static final Pattern ID = Pattern.compile(
            "[a-z0-9-]{1,40}\\.[a-z0-9-]{1,40}\\.[0-9]{1,9}\\.(?:([a-z][a-z0-9_-]{0,29})\\.([0-9]{1,4})\\.)?[0-9a-f]{6}");

    @Property(tries = 5000)
    void readsNearIdsAsTheRegexDoes(@ForAll("nearIds") String id) {
        sameAsTheRegex(id);
    }

    @Property(tries = 2000)
    void readsWellFormedIdsAsTheRegexDoes(@ForAll("wellFormed") String id) {
        assertThat(InstanceIds.isValid(id)).isTrue();
        sameAsTheRegex(id);
    }

    @Property(tries = 5000)
    void readsIdsOneEditFromWellFormedAsTheRegexDoes(@ForAll("oneEditAway") String id) {
        sameAsTheRegex(id);
    }

    private static void sameAsTheRegex(String id) {
        Matcher m = ID.matcher(id);
        boolean valid = m.matches();
        assertThat(InstanceIds.isValid(id)).as("valid: %s", id).isEqualTo(valid);
        assertThat(InstanceIds.type(id)).as("type: %s", id)
                .isEqualTo(!valid ? null : m.group(1) == null ? ProcessTypes.WEB : m.group(1));
        assertThat(InstanceIds.process(id)).as("process: %s", id)
                .isEqualTo(!valid ? null : m.group(1) == null ? ProcessTypes.WEB : m.group(1) + "." + m.group(2));
        assertThat(InstanceIds.ordinal(id)).as("ordinal: %s", id)
                .isEqualTo(valid && m.group(2) != null ? Integer.parseInt(m.group(2)) : 1);
    }

    /** Strings made of the pieces ids are made of, and of the characters around their classes' edges. */
    @Provide
    Arbitrary<String> nearIds() {
        Arbitrary<String> piece = Arbitraries.of(".", ".", ".", "a", "z", "f", "g", "0", "9", "-", "_", "A", "`", "{",
                "/", ":", "@", "abc123", "web", "worker", "1", "0042", "12345", "a1b2c3", "ffffff", "\u0430", " ", "",
                "x".repeat(30), "y".repeat(40), "1".repeat(9));
        return piece.list().ofMinSize(0).ofMaxSize(16).map(parts -> String.join("", parts));
    }

    /** A well-formed id with one character replaced, inserted or deleted: the edges of every part's class. */
    @Provide
    Arbitrary<String> oneEditAway() {
        Arbitrary<Character> edge = Arbitraries.of('.', '-', '_', 'a', 'f', 'g', 'z', '0', '9', 'A', 'F', '`', '{',
                '/', ':', '@', '\u0430', ' ');
        return Combinators.combine(wellFormed(), Arbitraries.integers().between(0, 200), Arbitraries.of(0, 1, 2), edge)
                .as((id, at, edit, c) -> {
                    int i = at % (id.length() + 1);
                    return switch (edit) {
                        case 0 -> i == id.length() ? id + c : id.substring(0, i) + c + id.substring(i + 1);
                        case 1 -> id.substring(0, i) + c + id.substring(i);
                        default -> i == id.length() ? id.substring(0, i - 1) : id.substring(0, i) + id.substring(i + 1);
                    };
                });
    }

    @Provide
    Arbitrary<String> wellFormed() {
        Arbitrary<String> name = Arbitraries.strings().withChars("abcxyz0189-").ofMinLength(1).ofMaxLength(40);
        Arbitrary<String> release = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(9);
        Arbitrary<String> type = Combinators.combine(Arbitraries.strings().withChars("az").ofLength(1),
                Arbitraries.strings().withChars("az09_-").ofMinLength(0).ofMaxLength(29)).as(String::concat);
        Arbitrary<String> ordinal = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(4);
        Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdef").ofLength(6);
        Arbitrary<String> process = Combinators.combine(type, ordinal).as((t, o) -> t + "." + o + ".");
        return Combinators.combine(name, name, release, Arbitraries.oneOf(process, Arbitraries.just("")), hex)
                .as((u, a, r, p, h) -> u + "." + a + "." + r + "." + p + h);
    }
}
