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
    void readOnlyWhenTheMountOrItsSuperblockSaysSoOrExt4WentReadOnlyAfterAnError() {
        String mountinfo = """
                98 22 7:3 / /skep/disks/alice.shop rw,nosuid,nodev,relatime shared:50 - ext4 /dev/loop3 rw
                99 22 7:4 / /skep/disks/bob.blog ro,nosuid,nodev - ext4 /dev/loop4 rw
                100 22 7:5 / /skep/disks/carol.cms rw,nosuid,nodev - ext4 /dev/loop5 ro,errors=remount-ro
                101 22 7:6 / /skep/disks/dan.wiki rw,nosuid,nodev,relatime - ext4 /dev/loop6 rw,emergency_ro
                102 22 7:7 / /skep/disks/erin.shop rw,nosuid,nodev - ext4 /dev/loop7 rw,errors=remount-ro
                103 22 7:8 / /skep/disks/erin.shop ro,nosuid,nodev - ext4 /dev/loop7 rw,errors=remount-ro
                """;
        assertThat(MountTable.options(mountinfo, Path.of("/skep/disks/alice.shop")).readOnly()).isFalse();
        assertThat(MountTable.options(mountinfo, Path.of("/skep/disks/bob.blog")).readOnly()).as("the mount").isTrue();
        MountTable.Options carol = MountTable.options(mountinfo, Path.of("/skep/disks/carol.cms"));
        assertThat(carol.readOnly()).as("the superblock").isTrue();
        assertThat(carol.superblockReadOnly()).isTrue();
        MountTable.Options dan = MountTable.options(mountinfo, Path.of("/skep/disks/dan.wiki"));
        assertThat(dan.readOnly()).as("ext4 after an error").isTrue();
        assertThat(dan.superblockReadOnly()).as("its flag is not set").isFalse();
        assertThat(MountTable.options(mountinfo, Path.of("/skep/disks/erin.shop")).readOnly()).as("the top one")
                .isTrue();
        assertThat(MountTable.options(mountinfo, Path.of("/skep/disks/none"))).isNull();
    }

    @Test
    void theRootIsMountedHere() throws Exception {
        assertThat(MountTable.mounted(Path.of("/"))).isTrue();
    }
}
