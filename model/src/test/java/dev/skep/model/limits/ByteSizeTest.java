package dev.skep.model.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizeTest {

    @Test
    void readsSizesAsOperatorsWriteThem() {
        assertThat(ByteSize.parse("--app-disk", "1g")).isEqualTo(1L << 30);
        assertThat(ByteSize.parse("--app-disk", "1G")).isEqualTo(1L << 30);
        assertThat(ByteSize.parse("--app-disk", "1GiB")).isEqualTo(1L << 30);
        assertThat(ByteSize.parse("--app-disk", "2gb")).isEqualTo(2L << 30);
        assertThat(ByteSize.parse("--app-disk", "512m")).isEqualTo(512L << 20);
        assertThat(ByteSize.parse("--app-disk", "2048k")).isEqualTo(2L << 20);
        assertThat(ByteSize.parse("--app-disk", "1.5g")).isEqualTo(3L << 29);
        assertThat(ByteSize.parse("--app-disk", " 2t ")).isEqualTo(2L << 40);
        // a bare number is MiB, like --app-memory and --build-memory
        assertThat(ByteSize.parse("--app-disk", "2048")).isEqualTo(2L << 30);
    }

    @Test
    void refusesWhatIsNoSizeNamingTheFlag() {
        for (String bad : new String[] {"", "g", "-1g", "0", "lots", "1x", "1e400", "NaNg"}) {
            assertThatThrownBy(() -> ByteSize.parse("--app-disk", bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--app-disk").hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void writesSizesInTheLargestUnitThatFits() {
        assertThat(ByteSize.text(1L << 30)).isEqualTo("1 GiB");
        assertThat(ByteSize.text(1536L << 20)).isEqualTo("1536 MiB");
        assertThat(ByteSize.text(1000)).isEqualTo("1000 bytes");
    }
}
