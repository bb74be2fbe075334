"""Write the sample documents in this folder: fictitious Dutch Woo documents with personal data.

Every name, number and address here is invented; BSN and IBAN pass their checksums on purpose.
Run: .venv/bin/python samples/make_samples.py
"""

from pathlib import Path

import pymupdf

HERE = Path(__file__).resolve().parent

NOTA = """Ministerie van Binnenlandse Zaken en Koninkrijksrelaties
Turfmarkt 147, 2511 DP Den Haag

Nota aan de minister

Contactpersoon: drs. Femke van der Heijden-Ouali
T 06 4312 8876
E femke.vanderheijden@minbzk.nl

Datum: 14 maart 2024
Kenmerk: 2024-0000123456

Aanleiding
De motie van het lid Van der Woude c.s. (Kamerstuk 36 410, nr. 12) vraagt om een
snellere afhandeling van Woo-verzoeken. Op 6 maart 2024 is dit besproken met
Joost Terpstra en mevrouw Kaya van de Uitvoeringsorganisatie. Volgens
J.P. de Groot is de planning haalbaar; Joost stuurt voor 1 april een voorstel.

Minister De Jonge heeft toegezegd de Kamer voor de zomer te informeren.

Met vriendelijke groet,

Femke van der Heijden-Ouali
beleidsmedewerker
"""

BRIEF = """Gemeente Zoetermeer
Postbus 15, 2700 AA Zoetermeer

Aan de heer R. Soekhlal
Kerkstraat 12A
2712 AB Zoetermeer

Datum: 2 februari 2024
Zaaknummer: 123456789

Geachte heer Soekhlal,

Wij hebben uw aanvraag ontvangen. Uw gegevens:
BSN: 111222333
Geboortedatum: 12-07-1981
IBAN: NL91 ABNA 0417 1643 00
Kenteken: 12-ABC-3

Met vriendelijke groet,

Ingrid Wiśniewska
medewerker Burgerzaken
"""


def write(name: str, text: str, author: str) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=595.28, height=841.89)
    # MuPDF's own Helvetica, embedded with its Unicode glyphs: the plain "helv" is a base-14 font in
    # WinAnsi encoding, which prints "Wiśniewska" as "Wi?niewska".
    page.insert_font(fontname="helvu", fontbuffer=pymupdf.Font("helv").buffer)
    page.insert_textbox(pymupdf.Rect(72, 72, 523, 800), text, fontsize=10.5, fontname="helvu")
    doc.set_metadata({"author": author, "title": name, "producer": "woo-redact samples"})
    doc.save(str(HERE / f"{name}.pdf"), garbage=4, deflate=True)


if __name__ == "__main__":
    write("nota_minister", NOTA, "Femke van der Heijden-Ouali")
    write("brief_burger", BRIEF, "Ingrid Wiśniewska")
