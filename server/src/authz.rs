//! Group permissions, in one place. Every group command asks [`authorize`] with the caller's
//! membership, the action, and (for actions on a member) the target's membership; the rank rules
//! live here and nowhere else. The table-driven test below covers every action for every caller
//! and target role.

use liao_shared::{ErrorCode, Role};

use crate::error::{Error, Result};
pub use crate::store::groups::MemberState;

/// What a caller wants to do in a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Post a message.
    Send,
    /// Mention everyone.
    MentionAll,
    /// See members, group details, history.
    View,
    /// Leave the group.
    Leave,
    /// Open a temporary session through the group.
    OpenTemp,
    /// Change name, description, settings.
    Update,
    /// Add someone directly.
    AddMember,
    /// See and decide join requests.
    ManageJoins,
    /// Switch whole-group mute.
    MuteAll,
    /// Remove a member.
    Remove,
    /// Mute or unmute a member.
    Mute,
    /// Recall someone else's message.
    RecallOthers,
    /// Appoint or dismiss admins.
    SetAdmin,
    /// Hand the group over.
    Transfer,
    /// Dissolve the group.
    Dissolve,
}

impl Action {
    /// Every action, for exhaustive tests.
    pub const ALL: [Action; 15] = [
        Action::Send,
        Action::MentionAll,
        Action::View,
        Action::Leave,
        Action::OpenTemp,
        Action::Update,
        Action::AddMember,
        Action::ManageJoins,
        Action::MuteAll,
        Action::Remove,
        Action::Mute,
        Action::RecallOthers,
        Action::SetAdmin,
        Action::Transfer,
        Action::Dissolve,
    ];

    /// Whether the action is done to another member (and so needs a target).
    pub fn has_target(self) -> bool {
        matches!(
            self,
            Action::Remove
                | Action::Mute
                | Action::RecallOthers
                | Action::SetAdmin
                | Action::Transfer
        )
    }
}

fn forbidden(why: &'static str) -> Error {
    Error::client(ErrorCode::Forbidden, why)
}

/// May `caller` (None: not a member) do `action` to `target` (None: not a member) in a group
/// whose whole-group mute is `muted_all`, at time `now`? Non-members get `not_found`: a group's
/// insides are invisible to outsiders. For [`Action::RecallOthers`] the target is the message's
/// sender, who counts as a plain member if they have left.
pub fn authorize(
    caller: Option<&MemberState>,
    action: Action,
    target: Option<&MemberState>,
    muted_all: bool,
    now: u64,
) -> Result<()> {
    let Some(caller) = caller else {
        return Err(Error::not_found("no such conversation"));
    };
    let role = caller.role;
    let admin = role >= Role::Admin;
    match action {
        Action::View | Action::OpenTemp => Ok(()),
        Action::Send => {
            if let Some(until) = caller.muted_at(now) {
                return Err(Error::Muted { until: Some(until) });
            }
            if muted_all && !admin {
                return Err(Error::Muted { until: None });
            }
            Ok(())
        }
        Action::Leave if role == Role::Owner => Err(Error::client(
            ErrorCode::OwnerMustTransfer,
            "the owner must transfer the group before leaving",
        )),
        Action::Leave => Ok(()),
        Action::MentionAll
        | Action::Update
        | Action::AddMember
        | Action::ManageJoins
        | Action::MuteAll => {
            if admin {
                Ok(())
            } else {
                Err(forbidden("only the owner and admins may do that"))
            }
        }
        Action::Remove | Action::Mute | Action::RecallOthers => {
            if !admin {
                return Err(forbidden("only the owner and admins may do that"));
            }
            let target_role = match (target, action) {
                (Some(t), _) => t.role,
                (None, Action::RecallOthers) => Role::Member,
                (None, _) => return Err(Error::not_found("not a member")),
            };
            if target_role < role {
                Ok(())
            } else {
                Err(forbidden("you can only act on members of lower rank"))
            }
        }
        Action::SetAdmin | Action::Transfer | Action::Dissolve => {
            if role != Role::Owner {
                return Err(forbidden("only the owner may do that"));
            }
            if action == Action::Dissolve {
                return Ok(());
            }
            match target {
                None => Err(Error::not_found("not a member")),
                Some(t) if t.role == Role::Owner => {
                    Err(Error::client(ErrorCode::SelfTarget, "that is you"))
                }
                Some(_) => Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_000_000;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Caller {
        Owner,
        Admin,
        Member,
        MutedMember,
        Removed,
        NonMember,
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Target {
        Owner,
        Admin,
        Member,
        NotMember,
    }

    fn caller_state(c: Caller) -> Option<MemberState> {
        let member = |role| {
            Some(MemberState {
                role,
                muted_until: None,
            })
        };
        match c {
            Caller::Owner => member(Role::Owner),
            Caller::Admin => member(Role::Admin),
            Caller::Member => member(Role::Member),
            Caller::MutedMember => Some(MemberState {
                role: Role::Member,
                muted_until: Some(NOW + 60_000),
            }),
            // A removed member has no membership row left: exactly like a non-member.
            Caller::Removed | Caller::NonMember => None,
        }
    }

    fn target_state(t: Target) -> Option<MemberState> {
        let role = match t {
            Target::Owner => Role::Owner,
            Target::Admin => Role::Admin,
            Target::Member => Role::Member,
            Target::NotMember => return None,
        };
        Some(MemberState {
            role,
            muted_until: None,
        })
    }

    /// The expected outcome, written as the QQ rules read, independently of `authorize`.
    fn expected(
        action: Action,
        caller: Caller,
        target: Target,
        muted_all: bool,
    ) -> Result<(), ErrorCode> {
        use Caller as C;
        if matches!(caller, C::Removed | C::NonMember) {
            return Err(ErrorCode::NotFound);
        }
        let rank = |c: Caller| match c {
            C::Owner => 2,
            C::Admin => 1,
            _ => 0,
        };
        let target_rank = match target {
            Target::Owner => Some(2),
            Target::Admin => Some(1),
            Target::Member => Some(0),
            Target::NotMember => None,
        };
        let r = rank(caller);
        match action {
            Action::View | Action::OpenTemp => Ok(()),
            Action::Send if caller == C::MutedMember => Err(ErrorCode::Muted),
            Action::Send if muted_all && r == 0 => Err(ErrorCode::Muted),
            Action::Send => Ok(()),
            Action::Leave if caller == C::Owner => Err(ErrorCode::OwnerMustTransfer),
            Action::Leave => Ok(()),
            Action::MentionAll
            | Action::Update
            | Action::AddMember
            | Action::ManageJoins
            | Action::MuteAll => (r >= 1).then_some(()).ok_or(ErrorCode::Forbidden),
            Action::Remove | Action::Mute | Action::RecallOthers => {
                if r == 0 {
                    return Err(ErrorCode::Forbidden);
                }
                let t = match (target_rank, action) {
                    (Some(t), _) => t,
                    (None, Action::RecallOthers) => 0,
                    (None, _) => return Err(ErrorCode::NotFound),
                };
                if t < r {
                    Ok(())
                } else {
                    Err(ErrorCode::Forbidden)
                }
            }
            Action::Dissolve => {
                if caller == C::Owner {
                    Ok(())
                } else {
                    Err(ErrorCode::Forbidden)
                }
            }
            Action::SetAdmin | Action::Transfer => {
                if caller != C::Owner {
                    Err(ErrorCode::Forbidden)
                } else if target == Target::NotMember {
                    Err(ErrorCode::NotFound)
                } else if target == Target::Owner {
                    Err(ErrorCode::SelfTarget)
                } else {
                    Ok(())
                }
            }
        }
    }

    #[test]
    fn every_action_for_every_caller_and_target() {
        let callers = [
            Caller::Owner,
            Caller::Admin,
            Caller::Member,
            Caller::MutedMember,
            Caller::Removed,
            Caller::NonMember,
        ];
        let targets = [
            Target::Owner,
            Target::Admin,
            Target::Member,
            Target::NotMember,
        ];
        let mut checked = 0;
        for action in Action::ALL {
            for caller in callers {
                for target in targets {
                    for muted_all in [false, true] {
                        let got = authorize(
                            caller_state(caller).as_ref(),
                            action,
                            target_state(target).as_ref(),
                            muted_all,
                            NOW,
                        )
                        .map_err(|e| e.code());
                        let want = expected(action, caller, target, muted_all);
                        assert_eq!(
                            got, want,
                            "{action:?} by {caller:?} on {target:?} (muted_all {muted_all})"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 15 * 6 * 4 * 2);
    }

    #[test]
    fn mutes_expire_by_themselves() {
        let state = MemberState {
            role: Role::Member,
            muted_until: Some(NOW),
        };
        assert!(authorize(Some(&state), Action::Send, None, false, NOW + 1).is_ok());
        let err = authorize(Some(&state), Action::Send, None, false, NOW - 1).unwrap_err();
        assert!(matches!(err, Error::Muted { until: Some(NOW) }));
    }
}
