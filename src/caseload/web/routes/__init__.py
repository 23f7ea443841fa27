"""One router per area; ``ROUTERS`` is what the application includes."""

from caseload.web.routes import (
    admin,
    alerts,
    allocation,
    api_census,
    api_docs,
    api_people,
    caseloads,
    data,
    glossary,
    overview,
    people,
    reports,
    scorecard,
    session,
    workforce,
)

ROUTERS = [
    session.router,
    overview.router,
    scorecard.router,
    workforce.router,
    caseloads.router,
    alerts.router,
    allocation.router,
    people.router,
    reports.router,
    data.router,
    admin.router,
    glossary.router,
    api_census.router,
    api_people.router,
    scorecard.api,
    api_docs.router,
]
