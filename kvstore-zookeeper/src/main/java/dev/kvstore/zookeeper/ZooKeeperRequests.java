package dev.kvstore.zookeeper;

import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * The one place where the hot paths send a request on the ZooKeeper handle, and how its reply
 * reaches them: the caller gives a callback, as for ZooKeeper's asynchronous API.
 *
 * <p>Normally the request is asynchronous and its callback runs on ZooKeeper's event thread. Inside
 * {@link #onCaller} (a blocking call whose caller only waits for the operation's future, see
 * {@code ZooKeeperKvStoreClient}) it is made with ZooKeeper's synchronous API on the calling thread,
 * which ZooKeeper's I/O thread wakes directly (one thread hop less than through the event thread),
 * and the same callback then runs on the calling thread with the same result code, path and
 * values: the operation cannot tell the two apart, and handles every code (a connection problem
 * included) as it always does.
 *
 * <p>The synchronous form is bounded by an {@link InterruptingDeadline}. When it stops a request
 * (the timeout passed, or someone else interrupted the thread) the callback does not run: the
 * request throws {@link Stopped}, which fails the operation, and the client reports the timeout
 * (or the interrupt) from the deadline.
 *
 * <p>Threads: any; the synchronous form only on a thread inside {@link #onCaller}.
 */
final class ZooKeeperRequests {

    /** The deadline of the blocking call running on this thread, if any. */
    private static final ThreadLocal<InterruptingDeadline> ON_CALLER = new ThreadLocal<>();

    private static final int OK = KeeperException.Code.OK.intValue();

    private ZooKeeperRequests() {}

    /** A request that its deadline stopped before its reply came; no stack trace (it is expected). */
    static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped(Exception cause) {
            super("stopped by the deadline of the blocking call", cause, false, false);
        }
    }

    /**
     * Starts an operation with the requests it sends from this thread made synchronously, bounded by
     * {@code deadline}. Requests sent later from other threads (continuations on the event thread,
     * Curator's retries) stay asynchronous.
     *
     * @param deadline bounds the synchronous requests
     * @param start starts the operation
     * @return what {@code start} returns
     */
    static <T> T onCaller(InterruptingDeadline deadline, Supplier<T> start) {
        InterruptingDeadline outer = ON_CALLER.get();
        ON_CALLER.set(deadline);
        try {
            return start.get();
        } finally {
            if (outer == null) {
                ON_CALLER.remove();
            } else {
                ON_CALLER.set(outer);
            }
        }
    }

    /** {@code getData} without a watch. */
    static void getData(ZooKeeper zk, String path, AsyncCallback.DataCallback callback) {
        InterruptingDeadline deadline = ON_CALLER.get();
        if (deadline == null) {
            zk.getData(path, false, callback, null);
            return;
        }
        Stat stat = new Stat();
        byte[] data;
        try {
            data = call(deadline, () -> zk.getData(path, false, stat));
        } catch (KeeperException e) {
            callback.processResult(e.code().intValue(), path, null, null, null);
            return;
        }
        callback.processResult(OK, path, null, data, stat);
    }

    /** {@code setData} at a version ({@code -1}: any). */
    static void setData(ZooKeeper zk, String path, byte[] value, int version, AsyncCallback.StatCallback callback) {
        InterruptingDeadline deadline = ON_CALLER.get();
        if (deadline == null) {
            zk.setData(path, value, version, callback, null);
            return;
        }
        Stat stat;
        try {
            stat = call(deadline, () -> zk.setData(path, value, version));
        } catch (KeeperException e) {
            callback.processResult(e.code().intValue(), path, null, null);
            return;
        }
        callback.processResult(OK, path, null, stat);
    }

    /** {@code delete} at a version ({@code -1}: any). */
    static void delete(ZooKeeper zk, String path, int version, AsyncCallback.VoidCallback callback) {
        InterruptingDeadline deadline = ON_CALLER.get();
        if (deadline == null) {
            zk.delete(path, version, callback, null);
            return;
        }
        try {
            call(deadline, () -> {
                zk.delete(path, version);
                return null;
            });
        } catch (KeeperException e) {
            callback.processResult(e.code().intValue(), path, null);
            return;
        }
        callback.processResult(OK, path, null);
    }

    /**
     * A {@code multi}. The synchronous form's failure carries the results (a connection problem
     * none), and its code is that of the first operation that failed: what the asynchronous
     * callback gets.
     */
    static void multi(ZooKeeper zk, List<Op> ops, AsyncCallback.MultiCallback callback) {
        InterruptingDeadline deadline = ON_CALLER.get();
        if (deadline == null) {
            zk.multi(ops, callback, null);
            return;
        }
        List<OpResult> results;
        try {
            results = call(deadline, () -> zk.multi(ops));
        } catch (KeeperException e) {
            callback.processResult(e.code().intValue(), null, null, e.getResults());
            return;
        }
        callback.processResult(OK, null, null, results);
    }

    private static <T> T call(InterruptingDeadline deadline, InterruptingDeadline.Blocking<T, KeeperException> request)
            throws KeeperException {
        try {
            return deadline.call(request);
        } catch (TimeoutException | InterruptedException e) {
            throw new Stopped(e);
        }
    }
}
