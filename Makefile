# Regenerate the README's gallery: `make figures` (needs evogame installed, e.g. `pip install -e .`).
# Every figure is drawn by the command line, once as SVG and once as PNG; same input, same bytes.

EVOGAME ?= evogame
PYTHON ?= python
# the documentation site (needs the docs extra: pip install ".[docs]"); offline, warnings are errors
SPHINXOPTS ?= -j 1 -W --keep-going -n
S := scenarios
F := figures
DPI ?= 200

.PHONY: figures docs docs-clean
.DEFAULT_GOAL := figures

docs:
	$(PYTHON) -m sphinx -b html $(SPHINXOPTS) docs docs/_build/html
	@echo "the site is in docs/_build/html/index.html"

docs-clean:
	rm -rf docs/_build docs/auto_examples docs/reference/generated docs/reference/commands docs/jupyter_execute

figures:
	mkdir -p $(F)
	set -e; \
	draw() { name=$$1; shift; \
	  $(EVOGAME) figure "$$@" --out $(F)/$$name.svg; \
	  $(EVOGAME) figure "$$@" --out $(F)/$$name.png --dpi $(DPI); }; \
	draw vertical_portrait portrait $(S)/vertical.toml; \
	draw vertical_paths paths $(S)/vertical.toml; \
	draw vertical_sensitivity_c_D sensitivity $(S)/vertical.toml --vary c_D=0.5,1,2,3,4 --t-end 30; \
	draw vertical_sensitivity_platform sensitivity $(S)/vertical.toml --vary platform=0,0.25,0.5,0.75,1 --t-end 30; \
	draw vertical_bifurcation_c_D bifurcation $(S)/vertical.toml --sweep c_D=0:6:241; \
	draw vertical_bifurcation_platform bifurcation $(S)/vertical.toml --sweep strength=0:1:201 --mechanism platform; \
	draw vertical_regime_c_D_L regime $(S)/vertical.toml --sweep c_D=0:6:241 --sweep L=0:10:241; \
	draw vertical_noise noise $(S)/vertical.toml -p c_S=1.5 --form "x(1-x)" --noise 0.2 --noise 0.6 --noise 1 -i 0.05,0.05; \
	draw vertical_delay_paths delay $(S)/vertical.toml --mechanism dynamic_penalty; \
	draw vertical_delay_tau_star delay $(S)/vertical.toml --mechanism dynamic_penalty --sweep strength=0:1:41; \
	draw hawk_dove_portrait portrait $(S)/hawk_dove.toml; \
	draw rps_portrait portrait $(S)/rps.toml; \
	draw rps_dynamics dynamics $(S)/rps.toml; \
	draw zeeman_coordination_portrait portrait $(S)/zeeman_coordination.toml; \
	draw dual_leadership_portrait portrait $(S)/dual_leadership.toml --slices 1,0 --width double; \
	draw hidden_collusion_trust_basins basins $(S)/hidden_collusion.toml --mechanism trust; \
	draw platform_public_good_basins basins $(S)/platform_public_good.toml; \
	$(EVOGAME) finite $(S)/vertical.toml --size 50 --beta 1 --figure $(F)/vertical_finite.svg > /dev/null; \
	$(EVOGAME) finite $(S)/vertical.toml --size 50 --beta 1 --figure $(F)/vertical_finite.png > /dev/null
