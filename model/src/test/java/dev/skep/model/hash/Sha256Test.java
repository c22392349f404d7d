package dev.skep.model.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Sha256Test {

    @Test
    void theDigestOfTextIsSha256OfItsUtf8Bytes() {
        // FIPS 180-2's test vector, and a non-ASCII text hashed as UTF-8
        assertThat(HexFormat.of().formatHex(Sha256.of("abc")))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Sha256.of("é")).isEqualTo(Sha256.newDigest().digest("é".getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(Sha256.newDigest().digest("é".getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void eachDigestIsFresh() {
        MessageDigest first = Sha256.newDigest();
        first.update((byte) 1);
        assertThat(Sha256.newDigest()).isNotSameAs(first);
        assertThat(Sha256.newDigest().digest()).isEqualTo(Sha256.of(""));
    }
}
