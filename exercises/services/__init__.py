"""Home exercise programme services: every write goes through careteam's write path
(``careteam.services.change_guarded``: the policy re-checked under the membership row
lock, the programme's version checked, the change audited in the same transaction)."""
