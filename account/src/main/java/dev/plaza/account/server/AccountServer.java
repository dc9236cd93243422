package dev.plaza.account.server;

import dev.plaza.account.biz.AccountPolicy;
import dev.plaza.account.biz.AccountUsecase;
import dev.plaza.account.data.BcryptPasswordHasher;
import dev.plaza.account.data.CachedSessionRepo;
import dev.plaza.account.data.CachedUserRepo;
import dev.plaza.account.data.JdbcUserRepo;
import dev.plaza.account.data.RedisLoginThrottle;
import dev.plaza.account.service.AccountGrpcService;
import dev.plaza.account.service.AccountHttpRoutes;
import dev.plaza.kit.db.Database;
import dev.plaza.kit.http.HttpRoutes;
import dev.plaza.kit.redis.Redis;
import io.grpc.BindableService;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/** Wires the account system's layers by hand: data -> biz -> service. The role that hosts it owns the transports. */
public final class AccountServer implements AutoCloseable {
    /** How long another instance's change to a user (a role change) may take to show here. */
    static final java.time.Duration USER_CACHE_TTL = java.time.Duration.ofSeconds(5);
    public static final String MIGRATIONS = "db/account";

    private final Database db;
    private final AccountUsecase usecase;
    private final AccountGrpcService grpc;
    private final AccountHttpRoutes http;

    private AccountServer(Database db, AccountUsecase usecase) {
        this.db = db;
        this.usecase = usecase;
        this.grpc = new AccountGrpcService(usecase);
        this.http = new AccountHttpRoutes(usecase);
    }

    /** Opens the database, applies migrations and builds the use cases. {@code redis} is shared and not closed here. */
    public static AccountServer create(AccountConfig cfg, Redis redis, MeterRegistry meters, Clock clock) {
        Database db = Database.open(cfg.db(), "account", meters);
        try {
            db.migrate(MIGRATIONS);
            AccountUsecase usecase = new AccountUsecase(
                    new CachedUserRepo(new JdbcUserRepo(db, clock), USER_CACHE_TTL),
                    new CachedSessionRepo(db, redis, clock),
                    new BcryptPasswordHasher(cfg.bcryptCost()),
                    new RedisLoginThrottle(redis, cfg.maxFailuresPerUser(), cfg.maxFailuresPerIp(), cfg.failureWindow()),
                    new AccountPolicy(cfg.sessionTtl(), cfg.defaultFace()),
                    clock);
            return new AccountServer(db, usecase);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public BindableService grpcService() {
        return grpc;
    }

    /** Told the token of every logout through this server's HTTP routes (for an edge's session cache). */
    public void onLogout(java.util.function.Consumer<String> listener) {
        http.onLogout(listener);
    }

    public HttpRoutes httpRoutes() {
        return http;
    }

    public AccountUsecase usecase() {
        return usecase;
    }

    public Database database() {
        return db;
    }

    @Override
    public void close() {
        db.close();
    }
}
