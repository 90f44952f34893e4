from .base import Section

SECTION = Section(
    id="overview",
    heading="Quick Overview",
    order=10,
    needs=("directors", "writers", "genres", "runtime_minutes", "release_date", "ratings", "countries", "languages"),
    template="""
{% if facts.directors %}- Director{{ 's' if facts.directors|length > 1 }}: {{ facts.directors|join_and }}
{% endif %}
{% if facts.writers %}- Writer{{ 's' if facts.writers|length > 1 }}: {{ facts.writers|join_and }}
{% endif %}
{% if facts.genres %}- Genres: {{ facts.genres|join(', ') }}
{% endif %}
{% if facts.release_date %}- Release date: {{ facts.release_date.strftime('%B %-d, %Y') }}
{% else %}- Release year: {{ facts.year }}
{% endif %}
{% if facts.runtime_minutes %}- Runtime: {{ facts.runtime_minutes|runtime }}
{% endif %}
{% if facts.countries %}- Country: {{ facts.countries|join(', ') }}
{% endif %}
{% if facts.languages %}- Language: {{ facts.languages|join(', ') }}
{% endif %}
{% set r = facts.ratings %}
{% if r and r.imdb %}- IMDb rating: {{ r.imdb.score|score }}/10{% if r.imdb.votes %} ({{ r.imdb.votes|count }} votes){% endif %}

{% endif %}
{% if r and r.rotten_tomatoes %}- Rotten Tomatoes: {{ r.rotten_tomatoes.score|score }}%
{% endif %}
{% if r and r.metacritic %}- Metacritic: {{ r.metacritic.score|score }}/100
{% endif %}
""",
)
