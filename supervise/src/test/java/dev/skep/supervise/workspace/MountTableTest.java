package dev.skep.supervise.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountTableTest {

    static final String MOUNTINFO = """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            98 22 7:3 / /var/lib/skep/agent/disks/alice.shop rw,nosuid,nodev,relatime shared:50 - ext4 /dev/loop3 rw
            99 22 7:4 / /data/my\\040dir/disks/bob.blog rw,nosuid,nodev - ext4 /dev/loop4 rw
            """;

    @Test
    void findsMountPointsWithTheKernelsEscapesUndone() {
        assertThat(MountTable.mounted(MOUNTINFO, Path.of("/var/lib/skep/agent/disks/alice.shop"))).isTrue();
        assertThat(MountTable.mounted(MOUNTINFO, Path.of("/data/my dir/disks/bob.blog"))).isTrue();
        assertThat(MountTable.mounted(MOUNTINFO, Path.of("/var/lib/skep/agent/disks/alice.sho"))).isFalse();
        assertThat(MountTable.mounted(MOUNTINFO, Path.of("/var/lib/skep/agent/disks"))).isFalse();
    }

    @Test
    void theRootIsMountedHere() throws Exception {
        assertThat(MountTable.mounted(Path.of("/"))).isTrue();
    }
}
