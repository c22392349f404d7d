package dev.skep.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineAssemblerTest {

    private final List<String> lines = new ArrayList<>();
    private final LineAssembler assembler = new LineAssembler(lines::add);

    @Test
    void eachNewlineEndsALineAndTheRestWaitsForTheNextChunk() {
        feed("one\ntw");
        assertThat(lines).containsExactly("one");
        assertThat(assembler.pendingBytes()).isEqualTo(2);
        feed("o\n\nthree\n");
        assertThat(lines).containsExactly("one", "two", "", "three");
        assertThat(assembler.pendingBytes()).isZero();
    }

    @Test
    void aCharacterSplitAcrossTwoChunksStaysOneCharacter() {
        byte[] euro = "€ rate\n".getBytes(StandardCharsets.UTF_8); // € is three bytes
        assembler.feed(Arrays.copyOfRange(euro, 0, 1), 1);
        assembler.feed(Arrays.copyOfRange(euro, 1, euro.length), euro.length - 1);
        assertThat(lines).containsExactly("€ rate");
    }

    @Test
    void onlyTheGivenLengthOfTheBufferCounts() {
        byte[] buffer = "ab\ncd\nleft over from an earlier read\n".getBytes(StandardCharsets.UTF_8);
        assembler.feed(buffer, 5);
        assertThat(lines).containsExactly("ab");
        assertThat(assembler.pendingBytes()).isEqualTo(2);
    }

    @Test
    void flushHandsOnTheWaitingBytesAndDiscardForgetsThem() {
        feed("no newline yet");
        assembler.flush();
        assertThat(lines).containsExactly("no newline yet");
        feed("dropped");
        assembler.discard();
        feed("kept\n");
        assertThat(lines).containsExactly("no newline yet", "kept");
    }

    private void feed(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assembler.feed(bytes, bytes.length);
    }
}
