"""A post's language: declared, else detected from its stop words; Spanish is stemmed as Spanish."""

from __future__ import annotations

import pytest
from helpers import build_index
from whoosh.index import open_dir
from whoosh.query import Term

from indexer.extract.language import choose_language, detect_language
from indexer.index.analysis import stem_terms
from indexer.index.schema import body_field

TEXTS = {
    "en": "My neighbour has a very big dog that always barks when I ride past on my bicycle, "
    "but it has never bitten me because it is a kind animal that only wants to play.",
    "es": "El perro de mi vecino es muy grande y siempre ladra cuando paso por la calle con "
    "mi bicicleta, pero nunca me ha mordido porque es un animal bueno que solo quiere jugar.",
    "pt": "O cachorro do meu vizinho é muito grande e sempre late quando eu passo pela rua com "
    "a minha bicicleta, mas nunca me mordeu porque é um animal bom que só quer brincar.",
    "it": "Il cane del mio vicino è molto grande e abbaia sempre quando passo per la strada con "
    "la mia bicicletta, ma non mi ha mai morso perché è un animale buono che vuole giocare.",
    "fr": "Le chien de mon voisin est très grand et il aboie toujours quand je passe dans la rue "
    "avec mon vélo, mais il ne m'a jamais mordu parce que c'est un animal gentil qui veut jouer.",
    "de": "Der Hund meines Nachbarn ist sehr groß und bellt immer, wenn ich mit meinem Fahrrad "
    "vorbeifahre, aber er hat mich nie gebissen, weil er ein liebes Tier ist, das spielen will.",
    "nl": "De hond van mijn buurman is erg groot en blaft altijd als ik met mijn fiets voorbij "
    "kom, maar hij heeft mij nooit gebeten omdat het een lief dier is dat alleen wil spelen.",
}


@pytest.mark.parametrize(("code", "text"), sorted(TEXTS.items()))
def test_the_language_of_a_paragraph_is_detected(code, text):
    assert detect_language(text) == code


@pytest.mark.parametrize(
    ("declared", "text", "expected"),
    [
        ("es-ES", TEXTS["es"], "es"),  # declared and written agree
        (None, TEXTS["es"], "es"),  # nothing declared: detected
        ("en-US", TEXTS["es"], "es"),  # a theme's default "en-US" over Spanish prose
        ("es", TEXTS["en"], "en"),  # an English post on a Spanish blog
        ("es", "Hola.", "es"),  # too short to tell: the declaration stands
        (None, "Drip.", "en"),  # nothing to go on: the default
        ("ja", TEXTS["en"], "en"),  # an unsupported declaration: what the text says
        ("pt-BR", TEXTS["pt"], "pt"),
    ],
)
def test_the_declared_language_stands_unless_the_text_clearly_says_otherwise(
    declared, text, expected
):
    assert choose_language(declared, text) == expected


SPANISH_POST = """<html lang="en-US"><head><title>Canciones de cuna</title></head>
<body class="single"><article><h1>Canciones de cuna</h1><time datetime="2021-05-04">4 mayo</time>
<p>Las canciones que cantaba mi abuela eran muy sencillas, pero todos los niños del pueblo
las conocían y las cantaban cuando jugaban en la plaza por las tardes de verano.</p>
<p>Ahora que tengo hijos, les canto las mismas canciones antes de dormir.</p></article>
</body></html>
"""


def test_a_spanish_post_is_indexed_with_the_spanish_stemmer(tmp_path):
    site = tmp_path / "site" / "canciones"
    site.mkdir(parents=True)
    (site / "index.html").write_text(SPANISH_POST, encoding="utf-8")
    summary = build_index(tmp_path / "index", tmp_path / "site")
    assert len(summary.indexed) == 1
    # "canto" (I sing) and "cantaban" (they sang) meet only under the Spanish stemmer
    stem = stem_terms("canto", "es")[0]
    assert stem == stem_terms("cantaban", "es")[0] != stem_terms("cantaban", "en")[0]
    with open_dir(str(tmp_path / "index")).searcher() as searcher:
        assert searcher.search(Term(body_field("es"), stem)).scored_length() == 1
