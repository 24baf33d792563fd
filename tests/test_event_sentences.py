"""At least three sentences per ACLED sub-event type, in different styles, and non-events.

Written before the lexicon (``workbench/data/events.csv``), as issue 13 asks: the
lexicon is judged by these, not the other way round. Styles: wire copy (dateline,
attribution at the end), local press, UN/NGO situation updates, and one-line event
summaries ("On <date>, <actor> <did> <what> in <place>."). The sentences are our own.

Each report is one sentence; all of them are tagged in one pass (``event_tables``).
"""

from __future__ import annotations

import pytest

#: (sub_event_type, sentence): the sentence must yield an event of that sub-event type.
SENTENCES = [
    # -- Battles --------------------------------------------------------------------------
    ("Armed clash", "MOGADISHU (Reuters) - Somali troops clashed with al-Shabaab fighters "
     "near the town of Jowhar on Tuesday, a military official said."),
    ("Armed clash", "Heavy clashes between the Sudanese Armed Forces and the Rapid Support "
     "Forces continued in Omdurman, displacing thousands of families, OCHA reported."),
    ("Armed clash", "On 12 May 2023, the Malian Armed Forces and JNIM militants fought near "
     "Boni, with unknown casualties."),
    ("Armed clash", "Boko Haram insurgents attacked a Nigerian army base in Borno State on "
     "Sunday, and soldiers repelled them after hours of fighting."),
    ("Government regains territory", "Iraqi forces recaptured the town of Rutba from Islamic "
     "State militants on Saturday, the Joint Operations Command said."),
    ("Government regains territory", "The Somali National Army has retaken control of "
     "Moqokori after days of fighting with al-Shabaab, local elders told reporters."),
    ("Government regains territory", "On 4 June 2022, Nigerian troops regained control of "
     "Damboa from Boko Haram."),
    ("Non-state actor overtakes territory", "Al-Shabaab militants seized the town of Mahas in "
     "central Somalia on Wednesday, residents said."),
    ("Non-state actor overtakes territory", "M23 rebels captured the town of Bunagana on the "
     "Ugandan border, Congolese army officials said."),
    ("Non-state actor overtakes territory", "On 9 March 2021, the Houthis took control of "
     "several districts in Marib province."),
    # -- Explosions/Remote violence -------------------------------------------------------
    ("Chemical weapon", "Investigators concluded that Syrian government forces used chlorine "
     "gas in an attack on Douma."),
    ("Chemical weapon", "A chemical attack by Syrian government forces killed dozens of "
     "civilians in Khan Shaykhun, according to the United Nations."),
    ("Chemical weapon", "On 7 April 2018, Syrian military helicopters dropped chlorine "
     "barrels on a residential building in Douma."),
    ("Air/drone strike", "Israeli warplanes struck targets in the Gaza Strip overnight, the "
     "military said."),
    ("Air/drone strike", "A Turkish drone strike killed two members of the Kurdistan "
     "Workers' Party (PKK) near Qamishli on Monday."),
    ("Air/drone strike", "On 3 March 2024, the Sudanese Armed Forces conducted airstrikes on "
     "RSF positions in Nyala."),
    ("Air/drone strike", "Airstrikes hit a market in the town of Kafr Nabl, killing at least "
     "11 civilians, according to OCHA."),
    ("Suicide bomb", "A suicide bomber blew himself up at a mosque in Peshawar on Friday, "
     "killing at least 30 worshippers, police said."),
    ("Suicide bomb", "Two female suicide bombers detonated their explosives at a market in "
     "Konduga, Borno State, killing 12 people."),
    ("Suicide bomb", "On 2 February 2023, a suicide car bombing targeted a military base in "
     "Mogadishu."),
    ("Shelling/artillery/missile attack", "Russian forces shelled residential areas of "
     "Kharkiv overnight, the regional governor said."),
    ("Shelling/artillery/missile attack", "Rockets fired from Gaza struck the southern "
     "Israeli city of Sderot on Sunday."),
    ("Shelling/artillery/missile attack", "Artillery shelling on the outskirts of El Fasher "
     "killed five civilians, including two children, OCHA said."),
    ("Shelling/artillery/missile attack", "On 7 July 2022, Ukrainian forces fired missiles at "
     "a Russian ammunition depot in Nova Kakhovka."),
    ("Remote explosive/landmine/IED", "Five Malian soldiers were killed when their vehicle "
     "struck a roadside bomb near Gao, the army said."),
    ("Remote explosive/landmine/IED", "A landmine explosion killed three children herding "
     "goats in Kandahar province on Monday."),
    ("Remote explosive/landmine/IED", "An improvised explosive device detonated near a "
     "police patrol in Mogadishu, wounding two officers."),
    ("Grenade", "An unidentified assailant threw a grenade into a bar in Bujumbura, "
     "injuring eight people."),
    ("Grenade", "Two people were wounded in a grenade attack on a police station in Mombasa "
     "on Saturday."),
    ("Grenade", "On 9 August 2021, gunmen hurled a hand grenade at a bus stop in Kampala."),
    # -- Violence against civilians -------------------------------------------------------
    ("Sexual violence", "Congolese soldiers raped at least 20 women in the village of Minova, "
     "a UN report said."),
    ("Sexual violence", "RSF fighters sexually assaulted women and girls in El Geneina, "
     "according to survivors."),
    ("Sexual violence", "The mission documented cases of sexual violence against civilians by "
     "armed men in Ituri."),
    ("Attack", "Gunmen killed 15 villagers in an overnight attack on Kadisha village in "
     "Zamfara State, police said."),
    ("Attack", "Armed men attacked a camp for displaced people near Bunia, killing at least "
     "12 civilians, the UN said."),
    ("Attack", "On 5 January 2023, ADF rebels killed 10 civilians in Beni."),
    ("Abduction/forced disappearance", "Gunmen abducted 25 passengers from a bus on the "
     "Kaduna-Abuja highway on Sunday, police said."),
    ("Abduction/forced disappearance", "Boko Haram kidnapped dozens of schoolgirls from a "
     "school in Chibok."),
    ("Abduction/forced disappearance", "Al-Shabaab abducted 12 civilians, including four "
     "children, in Hiraan region, OCHA said."),
    # -- Protests ---------------------------------------------------------------------------
    ("Peaceful protest", "NAIROBI (Reuters) - Thousands of protesters marched through central "
     "Nairobi on Tuesday to demand lower food prices."),
    ("Peaceful protest", "Teachers staged a peaceful protest outside the education ministry "
     "in Lagos over unpaid salaries."),
    ("Peaceful protest", "On 18 October 2022, demonstrators rallied in Bamako against the "
     "presence of foreign troops."),
    ("Protest with intervention", "Kenyan police fired tear gas to disperse hundreds of "
     "protesters in Kisumu on Wednesday."),
    ("Protest with intervention", "Guinean security forces dispersed a demonstration by "
     "opposition supporters in Conakry, witnesses said."),
    ("Protest with intervention", "On 2 May 2023, Senegalese police arrested 30 protesters "
     "during a march in Dakar."),
    ("Excessive force against protesters", "Sudanese security forces shot dead five "
     "protesters in Khartoum on Thursday, medics said."),
    ("Excessive force against protesters", "Nigerian police opened fire on demonstrators in "
     "Lagos, killing at least 12, Amnesty International said."),
    ("Excessive force against protesters", "Iranian security forces used live ammunition "
     "against peaceful protesters in Zahedan, killing dozens."),
    # -- Riots ------------------------------------------------------------------------------
    ("Violent demonstration", "Rioters torched police vehicles and looted shops in Dakar "
     "after the opposition leader was sentenced."),
    ("Violent demonstration", "Protesters threw stones at police and set fire to tyres in "
     "Kampala on Monday."),
    ("Violent demonstration", "Demonstrators clashed with riot police in Islamabad, leaving "
     "several officers injured."),
    ("Mob violence", "A mob lynched a man accused of blasphemy in Sialkot on Friday, police "
     "said."),
    ("Mob violence", "An angry mob beat two suspected thieves to death in a market in "
     "Port-au-Prince."),
    ("Mob violence", "On 3 June 2022, residents lynched a suspected kidnapper in Ibadan."),
    # -- Strategic developments -----------------------------------------------------------
    ("Agreement", "The Sudanese Armed Forces and the Rapid Support Forces signed a ceasefire "
     "agreement in Jeddah on Saturday."),
    ("Agreement", "The government of Mozambique and RENAMO agreed to a permanent ceasefire on "
     "Thursday, the presidency said."),
    ("Agreement", "On 1 September 2022, the Ethiopian government and the TPLF agreed to a "
     "prisoner exchange."),
    ("Arrests", "Turkish police detained 45 people suspected of links to the Islamic State "
     "group in raids across Istanbul."),
    ("Arrests", "Iraqi security forces arrested a senior Islamic State commander in Kirkuk, "
     "the interior ministry said."),
    ("Arrests", "On 21 March 2023, Ugandan police arrested an opposition lawmaker in "
     "Kampala."),
    ("Change to group/activity", "Al-Shabaab pledged allegiance to al-Qaeda in a video "
     "released on Thursday."),
    ("Change to group/activity", "Several hundred Boko Haram fighters defected to ISWAP, a "
     "military source said."),
    ("Change to group/activity", "Ansar Dine and two other Sahelian groups merged to form "
     "JNIM, a statement said."),
    ("Disrupted weapons use", "Malian soldiers defused an improvised explosive device planted "
     "on the road between Gao and Ansongo."),
    ("Disrupted weapons use", "Saudi forces intercepted a ballistic missile fired by the "
     "Houthis toward Jizan, the coalition said."),
    ("Disrupted weapons use", "Israeli forces shot down a drone launched from Lebanon, the "
     "military said."),
    ("Headquarters or base established", "Russian forces established a military base near "
     "the town of Kobani, state media reported."),
    ("Headquarters or base established", "Al-Shabaab fighters set up a new camp in the "
     "forests near Afmadow, residents said."),
    ("Headquarters or base established", "On 6 April 2022, JNIM established a base on the "
     "outskirts of Djibo."),
    ("Looting/property destruction", "RSF fighters looted the central market in Nyala, "
     "residents said."),
    ("Looting/property destruction", "Gunmen burned down dozens of homes in the village of "
     "Tarmaswa, local officials said."),
    ("Looting/property destruction", "On 3 October 2021, Boko Haram razed a health centre in "
     "Gwoza."),
    ("Non-violent transfer of territory", "French troops handed over the Menaka base to the "
     "Malian army on Monday."),
    ("Non-violent transfer of territory", "Ethiopian government forces withdrew from the town "
     "of Lalibela without a fight."),
    ("Non-violent transfer of territory", "On 16 January 2023, Russian forces pulled out of "
     "the village of Kamianka."),
    ("Other", "Nigerien soldiers seized power in a coup on Wednesday, state television "
     "reported."),
    ("Other", "The Burkinabe military staged a coup and suspended the constitution."),
    ("Other", "On 1 February 2021, the Myanmar military seized power."),
]  # fmt: skip

#: Sentences that describe no political violence, demonstration or strategic development.
NON_EVENTS = [
    "A bus collided with a fuel tanker on the highway near Kano, killing 18 passengers, "
    "police said.",
    "Floods killed at least 40 people in northern Nigeria last week, emergency officials said.",
    "The foreign ministers of Egypt and Sudan met in Cairo to discuss the conflict.",
    "A fire broke out at a textile factory in Dhaka, killing 12 workers.",
    "Islamic State claimed responsibility for the attack in a statement on Telegram.",
    "An earthquake struck eastern Turkey, killing more than 40 people.",
    "Kenyan police arrested two men for stealing cattle in Nakuru.",
    "A plane crashed shortly after take-off from Kabul, killing all 60 people on board.",
    "The president suffered a heart attack and was flown to Paris for treatment.",
    "Heavy rains triggered landslides that killed 25 people in eastern Congo.",
]

#: (sentence, expected fatalities): ACLED's conventions (dozens 12, at least N is N, deaths only).
FATALITIES = [
    ("Gunmen killed 15 villagers in an attack on Kadisha village in Zamfara State.", 15),
    ("A chemical attack by Syrian government forces killed dozens of civilians in Douma.", 12),
    ("Nigerian police opened fire on demonstrators in Lagos, killing at least 12.", 12),
    ("A strike killed two al-Shabaab militants and injured one near Jilib.", 2),
    ("Russian forces shelled residential areas of Kharkiv overnight.", None),
    ("Gunmen attacked a village near Bunia, killing hundreds of civilians.", 100),
]


@pytest.fixture(scope="module")
def sentence_events(event_tables):
    texts = [s for _, s in SENTENCES] + NON_EVENTS + [s for s, _ in FATALITIES]
    return event_tables(texts)


@pytest.mark.parametrize(("sub_event_type", "sentence"), SENTENCES, ids=lambda v: v[:40])
def test_sentence_yields_its_sub_event_type(sentence_events, sub_event_type, sentence):
    events = sentence_events[sentence]
    assert sub_event_type in set(events.sub_event_type), events[
        ["actor", "action", "sub_event_type", "target"]
    ].to_dict("records")


@pytest.mark.parametrize("sentence", NON_EVENTS, ids=lambda v: v[:40])
def test_non_event_yields_no_event(sentence_events, sentence):
    events = sentence_events[sentence]
    assert events.empty, events[["actor", "action", "sub_event_type"]].to_dict("records")


@pytest.mark.parametrize(("sentence", "fatalities"), FATALITIES, ids=lambda v: str(v)[:40])
def test_fatalities_follow_acled_conventions(sentence_events, sentence, fatalities):
    events = sentence_events[sentence]
    assert not events.empty
    counted = events.fatalities.dropna()
    if fatalities is None:
        assert counted.empty
    else:
        assert counted.sum() == fatalities


def test_every_sub_event_type_has_three_sentences():
    from workbench.lexicon.events import load_sub_event_types

    counts = {t: 0 for t in load_sub_event_types().sub_event_type}
    for sub_event_type, _ in SENTENCES:
        counts[sub_event_type] += 1
    assert len(counts) == 25
    assert min(counts.values()) >= 3, counts
