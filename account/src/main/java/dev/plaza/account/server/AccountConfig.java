package dev.plaza.account.server;

import dev.plaza.kit.db.DbConfig;
import java.time.Duration;

/**
 * Settings of the account system (config prefix {@code account}).
 *
 * @param bcryptCost         work factor of password hashes (10 is about 50 ms on one core)
 * @param sessionTtl         how long a log-in lasts
 * @param maxFailuresPerUser failed log-ins per username within {@code failureWindow} before -412
 * @param maxFailuresPerIp   failed log-ins per client address within {@code failureWindow} before -412
 */
public record AccountConfig(DbConfig db, int bcryptCost, Duration sessionTtl, String defaultFace,
                            int maxFailuresPerUser, int maxFailuresPerIp, Duration failureWindow) {
}
