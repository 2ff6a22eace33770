package dev.berth.operator.reconcile;

import io.kubernetes.client.extended.leaderelection.LeaderElectionRecord;
import io.kubernetes.client.extended.leaderelection.Lock;
import io.kubernetes.client.openapi.ApiException;

/**
 * The Lease lock of the leader election, remembering why it last could not read or create the Lease.
 * client-java's elector only logs such failures and tries again for ever, so a replica whose Lease the API
 * server refuses (no RBAC for Leases in that namespace, a namespace that does not exist) was an idle
 * standby that said it was ready, and nothing reconciled. {@link #problem} gives {@code /readyz} the reason.
 * A read that finds the Lease (held by another replica, or by this one), or a create or update that goes
 * through, clears it; a create that loses to another replica's is cleared by the next read.
 *
 * <p>It also keeps the Lease held when told to ({@link #keepHeld}): client-java's {@code LeaderElector.close()}
 * gives the Lease up (a record without a holder) whenever this replica leads, also while a reconcile pass is
 * still acting, and the next leader then took over beside it.
 */
final class WatchedLease implements Lock {
    private final Lock lease;
    private volatile String problem;
    private volatile boolean keepHeld;

    WatchedLease(Lock lease) {
        this.lease = lease;
    }

    /** From now on, a record that gives the Lease up is refused: it expires after its duration instead. */
    void keepHeld() {
        keepHeld = true;
    }

    /** Why the last read or create of the Lease failed, or {@code null} when the last read found it. */
    String problem() {
        return problem;
    }

    @Override
    public LeaderElectionRecord get() throws ApiException {
        try {
            LeaderElectionRecord r = lease.get();
            problem = null;
            return r;
        } catch (ApiException e) {
            if (e.getCode() != 404) { // 404: no Lease yet; the elector creates it next
                problem = "Lease " + lease.describe() + " cannot be read: " + StepFailure.describe(e);
            }
            throw e;
        }
    }

    @Override
    public boolean create(LeaderElectionRecord record) {
        boolean created = lease.create(record);
        if (created) {
            problem = null;
        } else {
            problem = "Lease " + lease.describe() + " cannot be created (see the operator's log: RBAC for Leases,"
                    + " or the namespace)";
        }
        return created;
    }

    @Override
    public boolean update(LeaderElectionRecord record) {
        if (keepHeld && (record.getHolderIdentity() == null || record.getHolderIdentity().isEmpty())) {
            return false; // the elector's give-up on close: the Lease runs out instead (the library logs a WARN)
        }
        boolean updated = lease.update(record);
        if (updated) {
            problem = null;
        }
        return updated;
    }

    @Override
    public String identity() {
        return lease.identity();
    }

    @Override
    public String describe() {
        return lease.describe();
    }
}
