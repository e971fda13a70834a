"""The pages of secure messages: the patient's (/my/messages/), the team's
(/care/plans/<id>/messages/) and the email notices setting (/accounts/messages/)."""
