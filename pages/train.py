import streamlit as st

st.title("Train")
st.info("Coming soon: Train an Embedding → encoder → Dense classifier with random, frozen-GloVe or fine-tuned embeddings, and compare runs.")
