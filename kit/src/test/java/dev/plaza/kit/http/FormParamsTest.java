package dev.plaza.kit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.errors.PlazaError;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormParamsTest {
    @Test
    void decodesEscapesAndPlusesAndKeepsTheFirstOfARepeatedName() {
        assertThat(FormParams.parse("aid=17&msg=hello+w%C3%B6rld%21&aid=99&flag&empty=&=x&&"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("aid", "17", "msg", "hello wörld!", "flag", "",
                        "empty", "", "", "x"));
    }

    @Test
    void anEmptyBodyHasNoParameters() {
        assertThat(FormParams.parse("")).isEmpty();
    }

    @Test
    void aMalformedEscapeIsABadRequest() {
        assertThatThrownBy(() -> FormParams.parse("a=%E"))
                .isInstanceOfSatisfying(PlazaError.class, e -> assertThat(e.code()).isEqualTo(-400));
    }
}
