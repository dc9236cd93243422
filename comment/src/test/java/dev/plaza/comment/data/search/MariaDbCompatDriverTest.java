package dev.plaza.comment.data.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MariaDbCompatDriverTest {
    @Test
    void onlyTheMySql84BinlogStatusStatementIsTranslated() {
        assertThat(MariaDbCompatDriver.translate("SHOW BINARY LOG STATUS")).isEqualTo("SHOW MASTER STATUS");
        assertThat(MariaDbCompatDriver.translate("  show binary\nlog   status ")).isEqualTo("SHOW MASTER STATUS");
        assertThat(MariaDbCompatDriver.translate("SHOW BINARY LOGS")).isEqualTo("SHOW BINARY LOGS");
        assertThat(MariaDbCompatDriver.translate("SELECT 'SHOW BINARY LOG STATUS'"))
                .isEqualTo("SELECT 'SHOW BINARY LOG STATUS'");
        assertThat(MariaDbCompatDriver.translate(null)).isNull();
    }

    @Test
    void acceptsOnlyItsOwnProtocol() throws Exception {
        MariaDbCompatDriver d = new MariaDbCompatDriver();
        assertThat(d.acceptsURL(MariaDbCompatDriver.PROTOCOL + "://127.0.0.1:3306/")).isTrue();
        assertThat(d.acceptsURL("jdbc:mysql://127.0.0.1:3306/")).isFalse();
        assertThat(d.connect("jdbc:mariadb://127.0.0.1:3306/", new java.util.Properties())).isNull();
    }
}
