package dev.plaza.kit.db;

import io.micrometer.core.instrument.MeterRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * The schema of a system whose tables are numbered shards ({@code subject_07}, {@code history_12}) spread over
 * several databases: its migrations, and the layout each database records at creation and checks at every start,
 * so a changed table or database count fails loudly instead of looking for rows in the wrong tables.
 */
public final class ShardedSchema {
    private ShardedSchema() {
    }

    /** Makes database {@code index} of a sharded set ready: migrate it and check its recorded layout. */
    @FunctionalInterface
    public interface Preparation {
        void prepare(Database db, int index);
    }

    /**
     * Opens a pool per database (named {@code <poolPrefix>-0}, {@code -1}, ... in list order) and prepares each; on
     * any failure closes what it opened and rethrows.
     */
    public static List<Database> openAll(List<DbConfig> configs, String poolPrefix, MeterRegistry meters,
                                         Preparation preparation) {
        List<Database> dbs = new ArrayList<>();
        try {
            for (int i = 0; i < configs.size(); i++) {
                Database db = Database.open(configs.get(i), poolPrefix + "-" + i, meters);
                dbs.add(db);
                preparation.prepare(db, i);
            }
            return List.copyOf(dbs);
        } catch (RuntimeException e) {
            dbs.forEach(Database::close);
            throw e;
        }
    }

    /**
     * Runs the migrations under {@code location} plus {@code javaMigrations}, with the system's own Flyway history
     * table and a baseline below V1 when the database already holds other tables, so several systems can share a
     * database without either's migrations being skipped.
     */
    public static void migrate(Database db, String historyTable, String location, JavaMigration... javaMigrations) {
        // Processes of one system starting together (a service and its job) would otherwise race on an empty
        // database: Flyway's baseline of a schema that already holds tables takes no lock of its own. A named lock
        // of the server, held on one connection while Flyway works on others, makes them take turns.
        String lock = "plaza:migrate:" + historyTable;
        db.withConnection(c -> {
            try (java.sql.PreparedStatement get = c.prepareStatement("SELECT GET_LOCK(?, 120)")) {
                get.setString(1, lock);
                try (java.sql.ResultSet rs = get.executeQuery()) {
                    if (!rs.next() || rs.getInt(1) != 1) {
                        throw new IllegalStateException("another process held " + lock + " for 120 s");
                    }
                }
            }
            try {
                Flyway.configure()
                        .dataSource(db.dataSource())
                        .table(historyTable)
                        .locations("classpath:" + location)
                        .javaMigrations(javaMigrations)
                        .baselineOnMigrate(true)
                        .baselineVersion("0")
                        .load()
                        .migrate();
            } finally {
                try (java.sql.PreparedStatement release = c.prepareStatement("SELECT RELEASE_LOCK(?)")) {
                    release.setString(1, lock);
                    release.executeQuery().close();
                }
            }
            return null;
        });
    }

    /**
     * Compares the {@code (name, value)} rows of {@code layoutTable} with {@code wanted}.
     *
     * @param system    names the tables in the message ({@code "comment"})
     * @param configKey where the counts are configured ({@code "comment.db"})
     * @throws IllegalStateException naming both layouts when they differ
     */
    public static void verifyLayout(Database db, String layoutTable, Map<String, Integer> wanted, String system,
                                    String configKey) {
        Map<String, Integer> found = db.withConnection(c -> {
            Map<String, Integer> m = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, value FROM " + layoutTable);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    m.put(rs.getString(1), rs.getInt(2));
                }
            }
            return m;
        });
        if (!found.equals(wanted)) {
            throw new IllegalStateException("database " + db.name() + " holds " + system + " tables laid out as "
                    + found + " but the configuration (" + configKey + ") asks for " + wanted + "; changing table "
                    + "or database counts of existing data needs a data migration (resharding is not supported in "
                    + "place)");
        }
    }
}
