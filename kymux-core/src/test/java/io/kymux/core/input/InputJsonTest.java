package io.kymux.core.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InputJsonTest {

    @Test
    void documentedLinesParse() {
        assertThat(InputJson.parse("{\"type\":\"key\",\"code\":\"KeyA\",\"down\":true}", () -> 5))
                .isEqualTo(new InputEvent.Key(5, "KeyA", true));
        assertThat(InputJson.parse("{\"type\":\"move\",\"x\":0.5,\"y\":1}", () -> 5))
                .isEqualTo(new InputEvent.PointerMove(5, 32768, 65535));
        assertThat(InputJson.parse("{\"type\":\"delta\",\"dx\":-3,\"dy\":4}", () -> 5))
                .isEqualTo(new InputEvent.PointerDelta(5, -3, 4));
        assertThat(InputJson.parse("{\"type\":\"button\",\"button\":2,\"down\":false}", () -> 5))
                .isEqualTo(new InputEvent.Button(5, 2, false));
        assertThat(InputJson.parse("{\"type\":\"wheel\",\"dy\":1}", () -> 5)).isEqualTo(new InputEvent.Wheel(5, 0, 1));
        assertThat(InputJson.parse("{\"type\":\"text\",\"text\":\"hi\"}", () -> 5)).isEqualTo(new InputEvent.Text(5, "hi"));
    }

    @Test
    void badLinesSayWhy() {
        assertThatThrownBy(() -> InputJson.parse("nope", () -> 0)).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> InputJson.parse("{\"type\":\"fly\"}", () -> 0)).hasMessageContaining("unknown input type");
        assertThatThrownBy(() -> InputJson.parse("{\"type\":\"move\",\"x\":2,\"y\":0}", () -> 0)).hasMessageContaining("0 to 1");
        assertThatThrownBy(() -> InputJson.parse("{\"type\":\"key\",\"code\":\"KeyA\"}", () -> 0)).hasMessageContaining("true or false");
        assertThatThrownBy(() -> InputJson.parse("{\"type\":\"button\",\"button\":9,\"down\":true}", () -> 0)).hasMessageContaining("0..4");
    }
}
