"""Practice quality: statutory visits and recording, reviews, supervision and case file audits,
measured against the council's practice standards and linked to caseloads. Analysis only: frames
in, frames out (no database)."""
