package dev.skep.model.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MountInfoTest {

    @Test
    void octalEscapesBecomeTheCharactersTheyStandFor() {
        assertThat(MountInfo.unescape("/data/my\\040dir/disks")).isEqualTo("/data/my dir/disks");
        assertThat(MountInfo.unescape("/a\\011b\\012c\\134d")).isEqualTo("/a\tb\nc\\d");
        assertThat(MountInfo.unescape("/ends/in\\040")).isEqualTo("/ends/in ");
    }

    @Test
    void aBackslashWithoutThreeOctalDigitsStaysAsItIs() {
        assertThat(MountInfo.unescape("/plain/path")).isEqualTo("/plain/path");
        assertThat(MountInfo.unescape("/a\\9bc")).isEqualTo("/a\\9bc");
        assertThat(MountInfo.unescape("/a\\08x")).isEqualTo("/a\\08x");
        assertThat(MountInfo.unescape("/short\\04")).isEqualTo("/short\\04");
    }
}
