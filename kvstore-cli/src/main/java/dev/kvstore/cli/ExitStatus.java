package dev.kvstore.cli;

/** The exit statuses of {@code kvctl}, documented in {@code kvctl --help} and the README. */
final class ExitStatus {
    /** Success. */
    static final int OK = 0;
    /** The key asked for does not exist ({@code get}, {@code rm KEY}). */
    static final int NOT_FOUND = 1;
    /** Usage error: bad flags or arguments, unknown storeType, malformed address, option or input. */
    static final int USAGE = 2;
    /** The store cannot be reached or did not answer in time; {@code health} when not alive. */
    static final int UNAVAILABLE = 3;
    /** Any other error reported by the store (a value over its limit, say). */
    static final int STORE_ERROR = 4;
    /** A condition did not hold ({@code put --if-absent/--if-version}, {@code txn}): nothing was written. */
    static final int CONDITION_FAILED = 5;

    private ExitStatus() {}
}
