package dev.kvstore;

/**
 * The outcome of {@link KvStoreClient#commit(Txn)}.
 *
 * @param succeeded {@code true} when every condition held and every operation was applied as one
 *     step; {@code false} when a condition failed and nothing was written
 */
public record TxnResult(boolean succeeded) {

    private static final TxnResult SUCCEEDED = new TxnResult(true);
    private static final TxnResult FAILED = new TxnResult(false);

    /**
     * The shared instance for an outcome.
     *
     * @param succeeded whether the transaction was applied
     * @return the result
     */
    public static TxnResult of(boolean succeeded) {
        return succeeded ? SUCCEEDED : FAILED;
    }
}
