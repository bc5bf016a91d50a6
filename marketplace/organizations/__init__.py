"""Organizations, their members, invitations, enterprise profiles and verification."""
