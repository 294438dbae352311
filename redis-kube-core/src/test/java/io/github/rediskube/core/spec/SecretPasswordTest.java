package io.github.rediskube.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The password rule of a Secret's value, the one the pods' password.sh applies too. */
class SecretPasswordTest {

    @Test
    void exactlyOneTrailingNewlineIsStripped() {
        assertThat(Auth.secretPassword("pass-0123456789\n")).isEqualTo("pass-0123456789");
        assertThat(Auth.secretPassword("pass-0123456789\r\n")).isEqualTo("pass-0123456789");
        assertThat(Auth.secretPassword("pass-0123456789")).isEqualTo("pass-0123456789");
        assertThat(Auth.secretPassword("with space é")).isEqualTo("with space é");
        assertThat(Auth.secretPassword(null)).isNull();
    }

    @Test
    void otherControlCharactersAreRefusedWithoutPrintingThePassword() {
        for (String stored : new String[] {"zq8x\n\n", "zq\t8x", "zq8x\r", "\n", "", "zq\u007f8x\n"}) {
            assertThatThrownBy(() -> Auth.secretPassword(stored)).as("%s", stored.replace("\n", "\\n"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--from-literal")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("zq8x", "zq\t", "8x"));
        }
        assertThatThrownBy(() -> Auth.secretPassword("zq\t8x")).hasMessageContaining("control character at position 2");
    }
}
