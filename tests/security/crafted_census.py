"""Crafted CSWW returns for the security tests: valid XML written straight from a template, so a
return of tens of thousands of workers is made in a moment and does not depend on the writer."""

from __future__ import annotations

from pathlib import Path

HEADER = """<?xml version='1.0' encoding='UTF-8'?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CSWW</Collection>
      <Year>2025</Year>
      <ReferenceDate>2025-09-30</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>{lea}</LEA>
      <SoftwareCode>Crafted</SoftwareCode>
      <DateTime>2025-10-06T00:00:00Z</DateTime>
    </Source>
  </Header>
  <LALevelVacancies>
    <NumberOfVacancies>2.00</NumberOfVacancies>
    <NoAgencyFTE>1.00</NoAgencyFTE>
    <NoAgencyHeadcount>1</NoAgencyHeadcount>
  </LALevelVacancies>
"""
WORKER = """  <CSWWWorker>
    <AgencyWorker>0</AgencyWorker>
    <SWENo>{swe}</SWENo>
    <FTE>0.600000</FTE>
    <PersonBirthDate>1985-03-14</PersonBirthDate>
    <GenderCurrent>2</GenderCurrent>
    <Ethnicity>WBRI</Ethnicity>
    <QualInst>University of Leeds, School of Social Work and Social Policy</QualInst>
    <QualLevel>1</QualLevel>
    <StepUpGrad>0</StepUpGrad>
    <OrgRole>5</OrgRole>
    <RoleStartDate>2019-09-02</RoleStartDate>
    <StartOrigin>1</StartOrigin>
    <FTE30>0.600000</FTE30>
    <Cases30>12</Cases30>
    <WorkingDaysLost>4.50</WorkingDaysLost>
    <FrontlineGrad>0</FrontlineGrad>
    <Absat30Sept>0</Absat30Sept>
    <CFKSSstatus>2</CFKSSstatus>
  </CSWWWorker>
"""
FOOTER = "</Message>\n"


def crafted_return(path: Path, workers: int, *, swe: str = "SW123456", lea: str = "301") -> Path:
    """A return of ``workers`` identical workers all giving the SWE number ``swe``."""
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER.format(lea=lea))
        record = WORKER.format(swe=swe)
        for _ in range(workers):
            out.write(record)
        out.write(FOOTER)
    return path
