import streamlit as st

st.title("Explore")
st.info("Coming soon: Project learned or pre-trained word vectors to 2D or 3D with UMAP and explore them.")
