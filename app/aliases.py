"""Names people use for treaties and states that differ from how the sources spell them.

Treaty aliases map to a title as the corpus spells it; an alias whose title is
not in the corpus still tells the assistant which treaty was meant, so that it
can say the corpus does not hold it instead of answering about another one."""

from __future__ import annotations

COE_CYBERCRIME = "Convention on Cybercrime"
UN_CYBERCRIME = "United Nations Convention against Cybercrime"

TREATY_ALIASES: dict[str, list[str]] = {
    COE_CYBERCRIME: [
        "Budapest Convention",
        "Budapest Cybercrime Convention",
        "Council of Europe Convention on Cybercrime",
        "CoE Convention on Cybercrime",
        "Council of Europe cybercrime convention",
        "CoE cybercrime convention",
        "ETS No. 185",
        "ETS 185",
        "ETS No 185",
    ],
    UN_CYBERCRIME: [
        "UN Convention against Cybercrime",
        "UN cybercrime convention",
        "UN Convention on Cybercrime",
        "United Nations cybercrime convention",
        "United Nations Convention on Cybercrime",
        "Hanoi Convention",
        "UNCC",
    ],
    "International Covenant on Civil and Political Rights": [
        "ICCPR",
        "CCPR",
        "Covenant on Civil and Political Rights",
        "Civil and Political Rights Covenant",
    ],
    "International Covenant on Economic, Social and Cultural Rights": [
        "ICESCR",
        "CESCR",
        "Covenant on Economic, Social and Cultural Rights",
    ],
    "Convention on the Elimination of All Forms of Discrimination against Women": [
        "CEDAW",
        "Women's Convention",
        "Women's Discrimination Convention",
    ],
    "Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or Punishment": [
        "CAT",
        "UNCAT",
        "Torture Convention",
        "Convention against Torture",
        "UN Convention against Torture",
    ],
    "Convention on the Rights of the Child": [
        "CRC",
        "UNCRC",
        "Children's Convention",
        "Child Rights Convention",
    ],
    "International Convention on the Elimination of All Forms of Racial Discrimination": [
        "ICERD",
        "CERD",
        "Racial Discrimination Convention",
        "Convention on Racial Discrimination",
    ],
    "Convention on the Rights of Persons with Disabilities": [
        "CRPD",
        "Disability Convention",
        "Disabilities Convention",
    ],
    "International Convention for the Protection of All Persons from Enforced Disappearance": [
        "CED",
        "ICPPED",
        "Enforced Disappearance Convention",
        "Convention on Enforced Disappearance",
    ],
    "International Convention on the Protection of the Rights of All Migrant Workers and Members of "
    "their Families": [
        "CMW",
        "ICRMW",
        "Migrant Workers Convention",
    ],
    "Convention on the Prevention and Punishment of the Crime of Genocide": ["Genocide Convention"],
    "Optional Protocol to the International Covenant on Civil and Political Rights": [
        "First Optional Protocol to the ICCPR",
        "OP1 ICCPR",
        "ICCPR-OP1",
    ],
    "Second Optional Protocol to the International Covenant on Civil and Political Rights, aiming at the "
    "abolition of the death penalty": ["Second Optional Protocol to the ICCPR", "ICCPR-OP2", "OP2 ICCPR"],
    "Optional Protocol to the Convention against Torture and Other Cruel, Inhuman or Degrading Treatment "
    "or Punishment": ["OPCAT", "Optional Protocol to the Convention against Torture"],
    "Optional Protocol to the Convention on the Rights of the Child on the involvement of children in armed "
    "conflict": ["OPAC", "OP-CRC-AC", "Child Soldiers Protocol"],
    "Optional Protocol to the Convention on the Rights of the Child on the sale of children, child "
    "prostitution and child pornography": ["OPSC", "OP-CRC-SC"],
    "Convention relating to the Status of Refugees": [
        "Refugee Convention",
        "Refugees Convention",
        "1951 Refugee Convention",
        "1951 Convention",
        "Geneva Refugee Convention",
    ],
    "Protocol relating to the Status of Refugees": ["1967 Protocol", "Refugee Protocol", "New York Protocol"],
    "Convention relating to the status of Stateless Persons": ["1954 Convention", "Statelessness Convention"],
    "Convention on the Reduction of Statelessness": ["1961 Convention"],
    "Vienna Convention on Consular Relations": ["VCCR"],
    "Vienna Convention on Diplomatic Relations": ["VCDR"],
    "Vienna Convention on the Law of Treaties": ["VCLT"],
    "United Nations Convention on Contracts for the International Sale of Goods": [
        "CISG",
        "Vienna Sales Convention",
    ],
    "United Nations Convention on the Law of the Sea": ["UNCLOS", "Law of the Sea Convention"],
    "Rome Statute of the International Criminal Court": ["Rome Statute", "ICC Statute"],
    "United Nations Convention against Corruption": ["UNCAC"],
    "United Nations Convention against Transnational Organized Crime": ["UNTOC", "Palermo Convention"],
    "United Nations Framework Convention on Climate Change": ["UNFCCC"],
    "Kyoto Protocol to the United Nations Framework Convention on Climate Change": ["Kyoto Protocol"],
    "Single Convention on Narcotic Drugs, 1961": ["Single Convention"],
    "Convention on psychotropic substances": ["Psychotropic Substances Convention", "1971 Convention"],
    "Constitution of the United Nations Industrial Development Organization": ["UNIDO Constitution"],
    "United Nations Convention on Jurisdictional Immunities of States and Their Property": [
        "Jurisdictional Immunities Convention",
    ],
}

# Phrases that fit both cybercrime conventions: the question must be answered
# for each, or the user asked which one is meant.
AMBIGUOUS_TREATY_ALIASES: dict[str, list[str]] = {
    "cybercrime convention": [COE_CYBERCRIME, UN_CYBERCRIME],
    "convention on cybercrime": [COE_CYBERCRIME],  # the CoE title, unless "UN" precedes it (alias above)
    "cybercrime treaty": [COE_CYBERCRIME, UN_CYBERCRIME],
    "convention against cybercrime": [UN_CYBERCRIME],
}

# Keyed by ISO 3166 alpha-3 code; the corpus spelling is found through pycountry.
# Short all-capital aliases (five characters or fewer) are matched case-sensitively: "US" is not "us".
PARTY_ALIASES: dict[str, list[str]] = {
    "USA": ["US", "U.S.", "USA", "U.S.A.", "United States"],
    "GBR": ["UK", "U.K.", "United Kingdom", "Britain", "Great Britain"],
    "RUS": ["Russia"],
    "KOR": ["South Korea", "Korea", "ROK", "Republic of Korea"],
    "PRK": ["North Korea", "DPRK"],
    "IRN": ["Iran", "Persia"],
    "SYR": ["Syria"],
    "VNM": ["Vietnam", "Viet Nam"],
    "LAO": ["Laos"],
    "BOL": ["Bolivia"],
    "VEN": ["Venezuela"],
    "TZA": ["Tanzania"],
    "MDA": ["Moldova"],
    "MKD": ["Macedonia", "North Macedonia", "FYROM", "The former Yugoslav Republic of Macedonia"],
    "CZE": ["Czechia", "Czech Republic"],
    "NLD": ["Holland", "The Netherlands"],
    "CIV": ["Ivory Coast", "Cote d'Ivoire"],
    "CPV": ["Cape Verde"],
    "SWZ": ["Eswatini", "Swaziland"],
    "TUR": ["Türkiye", "Turkiye", "Turkey"],
    "FSM": ["Micronesia"],
    "PSE": ["Palestine", "State of Palestine"],
    "VAT": ["Vatican", "Holy See"],
    "COD": ["DRC", "DR Congo", "Congo-Kinshasa", "Democratic Republic of the Congo"],
    "COG": ["Congo-Brazzaville", "Republic of the Congo"],
    "CHN": ["PRC"],
    "ARE": ["UAE", "Emirates"],
    "BRN": ["Brunei"],
    "LBY": ["Libya", "Libyan Arab Jamahiriya"],
    "XKX": ["Kosovo"],  # not in ISO 3166
}
