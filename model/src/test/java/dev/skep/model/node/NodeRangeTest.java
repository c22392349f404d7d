package dev.skep.model.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Cases from node-semver's range fixtures (range-include / range-exclude), npm's behaviour being the spec. */
class NodeRangeTest {

    @ParameterizedTest(name = "\"{0}\" includes {1}")
    @CsvSource(delimiter = ';', value = {
            "1.0.0 - 2.0.0; 1.2.3",
            "1.2.3 - 2.3.4; 2.3.4",
            "1.2 - 2.3.4; 1.2.0",
            "1.2.3 - 2.3; 2.3.9",
            "1.2.3 - 2; 2.99.99",
            "'' ; 1.0.0",
            "*; 1.2.3",
            "x; 22.0.0",
            "1.0.0; 1.0.0",
            ">=1.0.0; 1.0.1",
            ">1.0.0; 1.1.0",
            "<=2.0.0; 2.0.0",
            "<2.0.0; 1.9999.9999",
            ">= 1.0.0; 1.0.0",
            ">=  1.0.0; 1.0.1",
            "<=   2.0.0; 1.9999.9999",
            "0.1.20 || 1.2.4; 1.2.4",
            ">=0.2.3 || <0.0.1; 0.0.0",
            "||; 1.3.4",
            "2.x.x; 2.1.3",
            "1.2.x; 1.2.3",
            "1.2.x || 2.x; 2.1.3",
            "2.*.*; 2.1.3",
            "2; 2.1.2",
            "2.3; 2.3.1",
            "~2.4; 2.4.5",
            "~>3.2.1; 3.2.2",
            "~1; 1.2.3",
            "~> 1; 1.2.3",
            "~1.0; 1.0.2",
            "~ 1.0; 1.0.2",
            ">=1; 1.0.0",
            ">= 1; 1.0.0",
            "<1.2; 1.1.1",
            "< 1.2; 1.1.1",
            "~v0.5.4-pre; 0.5.5",
            "~v0.5.4-pre; 0.5.4",
            "=0.7.x; 0.7.2",
            "<=0.7.x; 0.7.2",
            ">=0.7.x; 0.7.2",
            "<=0.7.x; 0.6.2",
            "~1.2.1 >=1.2.3; 1.2.3",
            "~1.2.1 =1.2.3; 1.2.3",
            ">=1.2.1 1.2.3; 1.2.3",
            ">=1.2.3 >=1.2.1; 1.2.3",
            ">=18 <21; 20.11.1",
            "^22; 22.23.5",
            "^1.2.3; 1.8.1",
            "^0.1.2; 0.1.2",
            "^0.1; 0.1.2",
            "^0.0.1; 0.0.1",
            "^1.2; 1.4.2",
            "^1.2 ^1; 1.4.2",
            "^1.2.3-alpha; 1.2.3-pre",
            "^1.2.0-alpha; 1.2.0-pre",
            "^0.0.1-alpha; 0.0.1-beta",
            "^0.1.1-alpha; 0.1.1-beta",
            "^x; 1.2.3",
            "1 - 3; 3.9.0",
            "v20.11.1; 20.11.1",
            "=v20.11.1; 20.11.1",
            "20.x || 22.x; 22.1.0",
            ">=16.0.0 <17.0.0 || >=18.0.0; 26.1.0",
            "<=1.2.3-beta.2; 1.2.3-beta.2",
            "1.2.3-beta.2 - 1.2.3; 1.2.3-beta.10",
    })
    void includes(String range, String version) {
        assertThat(NodeRange.parse(range).test(v(version))).isTrue();
    }

    @ParameterizedTest(name = "\"{0}\" excludes {1}")
    @CsvSource(delimiter = ';', value = {
            "1.0.0 - 2.0.0; 2.2.3",
            "1.2.3+asdf - 2.4.3+asdf; 1.2.3-pre.2",
            "^1.2.3+build; 2.0.0",
            "^1.2.3+build; 1.2.0",
            "^1.2.3; 1.2.3-pre",
            "^1.2; 1.2.0-pre",
            ">1.2; 1.3.0-beta",
            "<=1.2.3; 1.2.3-beta",
            "^1.2.3; 1.2.3-beta",
            "=0.7.x; 0.7.0-asdf",
            ">=0.7.x; 0.7.0-asdf",
            "1.0.0; 1.0.1",
            ">=1.0.0; 0.0.0",
            ">=1.0.0; 0.0.1",
            ">1.0.0; 1.0.0",
            "<=2.0.0; 3.0.0",
            "<2.0.0; 2.0.0",
            "0.1.20 || 1.2.4; 1.2.3",
            ">=0.2.3 || <0.0.1; 0.2.2",
            "2.x.x; 3.1.3",
            "1.2.x; 1.3.3",
            "1.2.x || 2.x; 3.1.3",
            "2.*.*; 1.1.3",
            "2; 1.1.2",
            "2.3; 2.4.1",
            "~2.4; 2.5.0",
            "~2.4; 2.3.9",
            "~>3.2.1; 3.3.2",
            "~>3.2.1; 3.2.0",
            "~1; 0.2.3",
            "~>1; 2.2.3",
            "~1.0; 1.1.0",
            "<1; 1.0.0",
            ">=1.2; 1.1.1",
            "~v0.5.4-beta; 0.5.4-alpha",
            "=0.7.x; 0.8.2",
            ">=0.7.x; 0.6.2",
            "<0.7.x; 0.7.2",
            "<1.2.3; 1.2.3-beta",
            "=1.2.3; 1.2.3-beta",
            ">1.2; 1.2.8",
            "^0.0.1; 0.0.2",
            "^1.2.3; 2.0.0-alpha",
            "^1.2.3; 1.2.2",
            "^1.2; 1.1.9",
            "*; 1.2.3-foo",
            "^1.0.0; 2.0.0-rc1",
            "1 - 2; 2.0.0-pre",
            "1 - 2; 1.0.0-pre",
            "1.1.x; 1.0.0-a",
            "1.1.x; 1.1.0-a",
            "1.1.x; 1.2.0-a",
            "1.x; 1.0.0-a",
            ">=18 <21; 22.0.0",
            ">=18 <21; 17.9.1",
            "^22; 23.0.0",
            ">=99; 26.12.1",
            ">*; 1.0.0",
            "<*; 1.0.0",
            "22.x; 20.20.2",
            "^0.1; 0.2.0",
            "^0.0.1-alpha; 0.0.2",
    })
    void excludes(String range, String version) {
        assertThat(NodeRange.parse(range).test(v(version))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"twenty", ">=18 <<21", "1.2.3.4", "^", ">=", "20 | 22", "01.2.3", "lts/*", "1.2.3 - ", "node"})
    void refusesWhatIsNotRangeSyntax(String range) {
        assertThatThrownBy(() -> NodeRange.parse(range)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"");
    }

    @Test
    void ordersVersionsAsSemverDoes() {
        assertThat(v("1.0.0-alpha")).isLessThan(v("1.0.0-alpha.1"));
        assertThat(v("1.0.0-alpha.1")).isLessThan(v("1.0.0-alpha.beta"));
        assertThat(v("1.0.0-beta.2")).isLessThan(v("1.0.0-beta.11"));
        assertThat(v("1.0.0-rc.1")).isLessThan(v("1.0.0"));
        assertThat(v("9.99.99")).isLessThan(v("10.0.0"));
        assertThat(v("v22.1.0")).isEqualTo(NodeVersion.of(22, 1, 0));
        assertThat(NodeVersion.parse("22.1")).isEmpty();
    }

    private static NodeVersion v(String text) {
        return NodeVersion.parse(text).orElseThrow();
    }
}
